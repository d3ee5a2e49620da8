/**
 * The SDK's browser entries (`@relata/sdk` under the "browser" condition, and
 * `@relata/sdk/crm`) import nothing Node-only, so they run in browsers: every
 * module they reach, followed import by import, may name only the packages
 * below. The Node entry (node.ts) adds `ws`; the testkit, plugin and codegen
 * entries are Node's alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const sdk = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BROWSER_SAFE_PACKAGES = ['jose', 'graphql', 'graphql-ws', '@graphql-typed-document-node/core'];

/** Every module reached from `entry` (relative imports followed), and the packages they import. */
function importGraph(entry: string) {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    const source = fs.readFileSync(file, 'utf8');
    // Static imports and re-exports (at a line's start), side-effect imports, dynamic imports.
    const specifiers = /^(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;
    for (const match of source.matchAll(specifiers)) {
      const name = (match[1] ?? match[2] ?? match[3])!;
      if (name.startsWith('.')) visit(path.resolve(path.dirname(file), name));
      else packages.add(name);
    }
  };
  visit(entry);
  return { modules: [...modules].map((m) => path.relative(sdk, m)), packages: [...packages] };
}

describe('@relata/sdk browser entries', () => {
  it('are what the package exports to browsers', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(sdk, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(manifest.exports['.']).toMatchObject({ browser: './src/index.ts', node: './src/node.ts' });
    expect(manifest.exports['./crm']).toBe('./src/generated/crm.ts');
  });

  it.each(['src/index.ts', 'src/generated/crm.ts'])('%s imports only browser-safe packages', (entry) => {
    const graph = importGraph(path.join(sdk, entry));
    expect(graph.packages.filter((name) => !BROWSER_SAFE_PACKAGES.includes(name))).toEqual([]);
    expect(graph.modules.filter((m) => /testing|plugin|codegen|node\.ts/.test(m))).toEqual([]);
  });

  it('the Node entry adds only ws', () => {
    const graph = importGraph(path.join(sdk, 'src/node.ts'));
    expect(graph.packages.filter((name) => !BROWSER_SAFE_PACKAGES.includes(name))).toEqual(['ws']);
  });
});
