/** Markdown pieces shared by the sections of the benchmark report (report.ts, report-nested.ts). */

export const rate = (n: number) => Math.round(n).toLocaleString('en-US');

export const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

/** Plan lines worth showing: everything but the noise of planning details. */
function planExcerpt(plan: string[]): string[] {
  return plan.filter((l) => !/^\s*Planning:$/.test(l)).map((l) => l.replace(/\s+$/, ''));
}

/** A statement and its query plan, each in a code block, after the heading a caller writes. */
export function planBlock(sql: string, plan: string[]): string[] {
  return ['', '```sql', sql, '```', '', '```', ...planExcerpt(plan), '```', ''];
}
