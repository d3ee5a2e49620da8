#!/usr/bin/env node
// The SDK reference in docs/sdk-reference is generated from the SDK's sources
// by TypeDoc (typedoc.json). This script writes it, or with --check writes it
// to a temporary folder and fails when it differs from the committed one, so
// that a change to the SDK's public API shows in review with its reference.
//
//   node scripts/sdk-reference.mjs           (npm run docs:sdk)
//   node scripts/sdk-reference.mjs --check   (part of npm test)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const committed = path.join(root, 'docs', 'sdk-reference');
const check = process.argv.includes('--check');
const out = check ? fs.mkdtempSync(path.join(os.tmpdir(), 'relata-sdk-reference-')) : committed;

const typedoc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out, '--treatWarningsAsErrors'], {
  cwd: root,
  stdio: 'inherit',
});
if (typedoc.status !== 0) {
  console.error('TypeDoc failed on the SDK sources (above).');
  process.exit(1);
}
if (!check) {
  console.log(`Wrote the SDK reference to ${path.relative(root, committed)}.`);
  process.exit(0);
}

/** Every file under `dir`, relative, sorted. */
function files(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}
const expected = files(out);
const actual = files(committed);
const differing = [...new Set([...expected, ...actual])].filter((file) => {
  const a = path.join(out, file);
  const b = path.join(committed, file);
  return !fs.existsSync(a) || !fs.existsSync(b) || !fs.readFileSync(a).equals(fs.readFileSync(b));
});
fs.rmSync(out, { recursive: true, force: true });
if (differing.length > 0) {
  console.error(`docs/sdk-reference is not what the SDK's sources generate (${differing.length} files differ, e.g. ${differing.slice(0, 5).join(', ')}).`);
  console.error('Run `npm run docs:sdk` and commit docs/sdk-reference with the change to the SDK.');
  process.exit(1);
}
console.log(`docs/sdk-reference matches the SDK's sources (${expected.length} files).`);
