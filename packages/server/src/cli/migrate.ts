/** `relata migrate`: applies pending migrations to the configured database. */
import type { Database } from '@relata/core';
import { Command } from 'commander';
import { describeDatabase } from '../config.ts';
import { ENVIRONMENT_HELP, loadConfig, loadCore, openFailure } from './common.ts';

/** The `migrate` command. */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description('apply pending database migrations (every command also does this first)')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async () => {
      const config = loadConfig();
      const { migrate, openDatabase } = await loadCore();
      // Not startEngine: it migrates too, but does not say which migrations it applied.
      let db: Database;
      try {
        db = await openDatabase(config.database);
      } catch (error) {
        throw await openFailure(error, config.database);
      }
      try {
        const applied = await migrate(db.sql).catch(async (error: unknown) => {
          throw await openFailure(error, config.database, 'migrate');
        });
        const where = describeDatabase(config.database);
        if (applied.length === 0) {
          console.log(`Database is up to date (${where}).`);
        } else {
          console.log(`Applied ${applied.length} migration${applied.length === 1 ? '' : 's'} (${where}):`);
          for (const name of applied) console.log(`  ${name}`);
        }
      } finally {
        await db.close();
      }
    });
}
