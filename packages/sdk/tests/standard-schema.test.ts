/**
 * The committed standard schema is current: regenerated now from a new
 * workspace with the default plugins, the admin SDL (docs/schema/standard.graphql)
 * and the pre-generated types (`@relata/sdk/crm`, src/generated/crm.ts) equal the
 * committed files. An API change fails here until the files are regenerated, so
 * it shows in review as their diff.
 */
import { describe, expect, it } from 'vitest';
import { generateStandardFiles, readStandardFiles, STANDARD_FILES } from '../src/codegen/standard-schema.ts';
import { recordTypes } from '../src/generated/crm.ts';

const STALE = (file: string) =>
  `${file} is not what the server serves now. Run \`npm run generate:standard\` and review the diff: it is a change of the API (commit it with the change that made it).`;

describe('the standard schema', () => {
  it('equals the committed SDL and pre-generated CRM types', async () => {
    const generated = await generateStandardFiles();
    const committed = readStandardFiles();
    expect(committed.sdl === generated.sdl, STALE(STANDARD_FILES.sdl)).toBe(true);
    expect(committed.crm === generated.crm, STALE(STANDARD_FILES.crm)).toBe(true);
  }, 120_000);

  it('pre-generates the standard CRM record types, importing nothing Node-only', () => {
    expect(Object.keys(recordTypes.descriptors)).toEqual(expect.arrayContaining(['company', 'person', 'lead', 'opportunity', 'task', 'case']));
    expect(recordTypes.descriptors.company).toMatchObject({ apiName: 'company', pluralApiName: 'companies', typeName: 'Company' });
    expect(recordTypes.descriptors.lead.selection).toContain('score');
    const imports = [...(readStandardFiles().crm ?? '').matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(imports).toEqual(['../records/types.ts']);
  });
});
