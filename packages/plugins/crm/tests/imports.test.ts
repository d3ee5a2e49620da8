/**
 * The CRM is written as a third party would write it: its source imports only
 * the public plugin API (`@relata/core/plugin`) and its own files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module specifier `file` imports or re-exports, statically or dynamically. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

describe('@relata/plugin-crm', () => {
  it('imports nothing but @relata/core/plugin and its own files', () => {
    const files = sourceFiles(path.join(root, 'src'));
    expect(files.length).toBeGreaterThan(0);
    const offenders = files.flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec !== '@relata/core/plugin' && !spec.startsWith('./') && !spec.startsWith('../'))
        .map((spec) => `${path.relative(root, file)}: ${spec}`),
    );
    expect(offenders).toEqual([]);
    // Relative imports stay inside the package's src.
    for (const file of files) {
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        expect(path.resolve(path.dirname(file), spec).startsWith(path.join(root, 'src')), `${file}: ${spec}`).toBe(true);
      }
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['@relata/core']);
  });

  it('keeps every source file under 400 lines', () => {
    for (const file of sourceFiles(path.join(root, 'src'))) {
      expect(fs.readFileSync(file, 'utf8').split('\n').length, path.relative(root, file)).toBeLessThan(400);
    }
  });
});
