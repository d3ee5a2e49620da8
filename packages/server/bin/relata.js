#!/usr/bin/env node
// The `relata` command-line tool. The CLI is written in TypeScript and run from
// source: register tsx's ESM loader, then load the entry module (which runs it).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
