/**
 * `relata-codegen`, the SDK's own command (bin/relata-codegen.js) for projects
 * that install only @relata/sdk: the same as `relata codegen` of @relata/server.
 *
 *   relata-codegen --url http://localhost:4000/graphql --token rk_... --out src/generated
 */
import { parseArgs } from 'node:util';
import { describeWritten, writeWorkspaceTypes } from './generate.ts';

/** Usage text of `relata-codegen` (and the options `relata codegen` shares). */
export const CODEGEN_USAGE = `Usage: relata-codegen --url <graphql url> --token <key> --out <dir>

Writes TypeScript types for a workspace's record types and fields to <dir>/relata.ts:
what client.records(...) takes and returns, and the recordTypes to give createClient.
Re-run it after a record type or field changes.

Options:
  --url <url>             the GraphQL endpoint, e.g. http://localhost:4000/graphql
  --token <key>           an API key (or token) of the workspace; its role decides what is typed
                          (default: $RELATA_TOKEN)
  --out <dir>             the directory to write relata.ts into (made when missing)
  --import-from <module>  where the file imports defineRecordTypes from (default: @relata/sdk)
  -h, --help              print this help

Environment:
  RELATA_TOKEN            the token, when --token is not given`;

/** Runs `relata-codegen` with `args` (without node and the script); returns the exit code. */
export async function runCodegenCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: { url?: string; token?: string; out?: string; 'import-from'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        out: { type: 'string' },
        'import-from': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}\n\n${CODEGEN_USAGE}`);
    return 1;
  }
  if (values.help) {
    console.log(CODEGEN_USAGE);
    return 0;
  }
  const token = values.token ?? env.RELATA_TOKEN?.trim();
  const missing = [!values.url && '--url <graphql url>', !token && '--token <key> (or RELATA_TOKEN)', !values.out && '--out <dir>'].filter(Boolean);
  if (missing.length > 0) {
    console.error(`error: missing ${missing.join(', ')}\n\n${CODEGEN_USAGE}`);
    return 1;
  }
  try {
    const written = await writeWorkspaceTypes({ url: values.url!, token: token!, out: values.out!, importFrom: values['import-from'] });
    console.log(describeWritten(written));
    return 0;
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (env.RELATA_DEBUG && error instanceof Error && error.name !== 'CodegenError' && error.stack) console.error(error.stack);
    return 1;
  }
}
