/**
 * `relata codegen`: writes TypeScript types for a workspace's record types and
 * fields (`<out>/relata.ts`), read from a running server by introspection with
 * the given token. The work is @relata/sdk's (`@relata/sdk/codegen`), loaded
 * when the command runs: the server does not depend on the SDK (the SDK depends
 * on the server for its test kit), so a project without the SDK gets an error
 * saying to install it.
 */
import { Command } from 'commander';
import { ConfigError } from '../config.ts';

/** What `relata codegen` uses of `@relata/sdk/codegen`. */
interface CodegenModule {
  writeWorkspaceTypes(options: { url: string; token: string; out: string; importFrom?: string }): Promise<{ file: string; recordTypes: string[] }>;
  describeWritten(written: { file: string; recordTypes: string[] }): string;
}

// A variable, so that TypeScript does not pull the SDK's sources into the server's program.
const SDK_CODEGEN = '@relata/sdk/codegen';

/** Loads `@relata/sdk/codegen`, or says to install the SDK. */
export async function loadCodegen(importer: (specifier: string) => Promise<unknown> = (s) => import(s)): Promise<CodegenModule> {
  try {
    return (await importer(SDK_CODEGEN)) as CodegenModule;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const message = error instanceof Error ? error.message : '';
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') && message.includes('@relata/sdk')) {
      throw new ConfigError('relata codegen needs @relata/sdk, which is not installed here: npm install @relata/sdk (then run it again).');
    }
    throw error;
  }
}

/** The `codegen` command. */
export function codegenCommand(): Command {
  return new Command('codegen')
    .description("write TypeScript types for a workspace's record types and fields (<out>/relata.ts); needs @relata/sdk")
    .requiredOption('--url <url>', 'the GraphQL endpoint of a running server, e.g. http://localhost:4000/graphql')
    .option('--token <key>', "an API key (or token) of the workspace; its role decides what is typed (default: $RELATA_TOKEN)")
    .requiredOption('--out <dir>', 'the directory to write relata.ts into (made when missing)')
    .option('--import-from <module>', 'where the file imports defineRecordTypes from', '@relata/sdk')
    .addHelpText(
      'after',
      `
Environment:
  RELATA_TOKEN      the token, when --token is not given

Re-run it after a record type or field changes. Give the recordTypes it writes to
createClient({ url, token, recordTypes }) to type client.records(...). See docs/codegen.md.`,
    )
    .action(async (options: { url: string; token?: string; out: string; importFrom: string }) => {
      const token = options.token ?? process.env.RELATA_TOKEN?.trim();
      if (!token) throw new ConfigError('No token: pass --token <key> or set RELATA_TOKEN (an API key of the workspace).');
      const codegen = await loadCodegen();
      let written: { file: string; recordTypes: string[] };
      try {
        written = await codegen.writeWorkspaceTypes({ url: options.url, token, out: options.out, importFrom: options.importFrom });
      } catch (error) {
        // The server refused or could not be reached: the message says what to do; no stack trace hint.
        if (error instanceof Error && error.name === 'CodegenError') throw new ConfigError(error.message);
        throw error;
      }
      console.log(codegen.describeWritten(written));
    });
}
