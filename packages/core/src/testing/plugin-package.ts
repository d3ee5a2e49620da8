/**
 * Checks that a plugin package is written against the public plugin API only:
 * its source imports nothing but `@relata/core/plugin` (or `@relata/sdk/plugin`)
 * and its own files, and it depends at run time on nothing else of Relata's.
 * The standard plugins' tests use it; a third-party plugin's tests can too.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The entries a plugin may import. */
export const PLUGIN_API_ENTRIES = ['@relata/core/plugin', '@relata/sdk/plugin'];

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

/**
 * What is wrong with the plugin package at `root` (its `src` and `package.json`),
 * one line each; empty when it keeps to the plugin API. `allow` adds packages its
 * source may import besides the plugin API (a library of its own).
 */
export function pluginPackageProblems(root: string, options: { allow?: readonly string[]; maxLines?: number } = {}): string[] {
  const src = path.join(root, 'src');
  const allowed = new Set([...PLUGIN_API_ENTRIES, ...(options.allow ?? [])]);
  const files = sourceFiles(src);
  if (files.length === 0) return [`${src} holds no TypeScript source`];
  const problems: string[] = [];
  for (const file of files) {
    const shown = path.relative(root, file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.')) {
        if (!path.resolve(path.dirname(file), spec).startsWith(src + path.sep)) problems.push(`${shown}: ${spec} reaches outside src`);
      } else if (!allowed.has(spec)) {
        problems.push(`${shown}: imports ${spec}, not the plugin API`);
      }
    }
    const lines = fs.readFileSync(file, 'utf8').split('\n').length;
    if (lines >= (options.maxLines ?? 400)) problems.push(`${shown}: ${lines} lines; split it`);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (dep.startsWith('@relata/') && dep !== '@relata/core' && dep !== '@relata/sdk') problems.push(`package.json: depends on ${dep} at run time`);
  }
  return problems;
}
