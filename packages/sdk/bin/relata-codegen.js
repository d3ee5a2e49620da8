#!/usr/bin/env node
// `relata-codegen`: writes TypeScript types for a workspace (see src/codegen/cli.ts).
// The SDK is TypeScript run from source: register tsx's ESM loader, then run the
// command and let the process end by itself, so that output is flushed.
import { register } from 'tsx/esm/api';

register();
const { runCodegenCli } = await import('../src/codegen/cli.ts');
process.exitCode = await runCodegenCli(process.argv.slice(2));
