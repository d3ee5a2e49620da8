/**
 * The codegen commands as a user runs them, in child processes: `relata codegen`
 * (@relata/server's bin, loading @relata/sdk/codegen) and `relata-codegen` (the
 * SDK's own bin) write `<out>/relata.ts` for a running server's workspace and
 * say what they wrote; a refused token is one clear line on stderr, exit code 1,
 * and no file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, type Result } from '../../server/tests/cli-process.ts';
import type { TestServer } from '../src/testing.ts';
import { createCodegenWorkspace } from './fixtures/codegen-workspace.ts';

const RELATA_BIN = fileURLToPath(new URL('../../server/bin/relata.js', import.meta.url));
const SDK_BIN = fileURLToPath(new URL('../bin/relata-codegen.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/generated/relata.ts', import.meta.url));


const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relata-codegen-cli-'));
  tempDirs.push(dir);
  return dir;
}

/** Runs `node <bin> <args>` in `cwd` to completion (asynchronously: the server answers from this process). */
function run(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!('RELATA_TOKEN' in env)) delete childEnv.RELATA_TOKEN;
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child);
}

const commands = [
  { name: 'relata codegen', bin: RELATA_BIN, prefix: ['codegen'] },
  { name: 'relata-codegen', bin: SDK_BIN, prefix: [] },
];

describe('codegen commands', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createCodegenWorkspace();
  });
  afterAll(async () => {
    await server?.close();
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const command of commands) {
    it(`${command.name} writes <out>/relata.ts with the token from RELATA_TOKEN or --token`, async () => {
      const cwd = tempDir();
      const fromEnv = await run(command.bin, [...command.prefix, '--url', server.url, '--out', 'src/generated'], cwd, { RELATA_TOKEN: server.apiKey });
      expect(fromEnv.stderr).toBe('');
      expect(fromEnv).toMatchObject({ code: 0, stdout: 'Wrote src/generated/relata.ts: 4 record types (customer, invoice, invoiceLine, note).\n' });
      // The workspace is the fixture's: the file is the committed fixture.
      expect(fs.readFileSync(path.join(cwd, 'src/generated/relata.ts'), 'utf8')).toBe(fs.readFileSync(FIXTURE, 'utf8'));

      const out = path.join(tempDir(), 'types');
      const fromFlag = await run(command.bin, [...command.prefix, '--url', server.url, '--token', server.apiKey, '--out', out], cwd);
      expect(fromFlag).toMatchObject({ code: 0, stdout: `Wrote ${out}/relata.ts: 4 record types (customer, invoice, invoiceLine, note).\n` });
    }, 60_000);

    it(`${command.name} refuses a wrong or missing token with a clear error and writes nothing`, async () => {
      const cwd = tempDir();
      const refused = await run(command.bin, [...command.prefix, '--url', server.url, '--token', 'rk_wrong', '--out', 'out'], cwd);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toBe(
        `error: The server at ${server.url} refused the token (HTTP 401, UNAUTHENTICATED: Invalid credentials). Pass a valid API key or token of the workspace.\n`,
      );
      const missing = await run(command.bin, [...command.prefix, '--url', server.url, '--out', 'out'], cwd);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/^error: .*(--token <key>|RELATA_TOKEN)/);
      expect(fs.existsSync(path.join(cwd, 'out'))).toBe(false);
    }, 60_000);
  }

  it('prints help for both commands', async () => {
    const cwd = tempDir();
    const [relata, sdk, top] = await Promise.all([
      run(RELATA_BIN, ['codegen', '--help'], cwd),
      run(SDK_BIN, ['--help'], cwd),
      run(RELATA_BIN, ['--help'], cwd),
    ]);
    expect(relata).toMatchObject({ code: 0 });
    expect(relata.stdout).toMatch(/Usage: relata codegen[\s\S]*--url <url>[\s\S]*--token <key>[\s\S]*--out <dir>[\s\S]*RELATA_TOKEN/);
    expect(sdk).toMatchObject({ code: 0 });
    expect(sdk.stdout).toMatch(/Usage: relata-codegen --url <graphql url> --token <key> --out <dir>[\s\S]*RELATA_TOKEN/);
    expect(top.stdout).toMatch(/codegen \[options\]\s+write TypeScript types/);
  }, 60_000);
});
