/**
 * The layering of DESIGN.md, checked: core is the engine and knows nothing of
 * GraphQL or HTTP, so every capability stays reachable as a plain TypeScript call.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const coreRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FORBIDDEN = /^(graphql|graphql-yoga|graphql-ws|@pothos\/.*|@relata\/server|@relata\/sdk)$/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('@relata/core', () => {
  it('imports nothing of GraphQL, HTTP transports or the packages above it', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join(coreRoot, 'src'))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)) {
        if (FORBIDDEN.test(match[1]!)) offenders.push(`${path.relative(coreRoot, file)}: ${match[1]}`);
      }
    }
    expect(offenders).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(coreRoot, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies });
    expect(deps.filter((d) => FORBIDDEN.test(d))).toEqual([]);
  });
});
