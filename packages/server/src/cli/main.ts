/**
 * Entry of the `relata` command-line tool (loaded by bin/relata.js). Sets the exit
 * code and lets the process end by itself, so that output is flushed; `relata start`
 * keeps running until a signal stops it.
 */
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv);
