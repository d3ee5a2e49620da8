#!/usr/bin/env node
// Regenerates the standard schema's committed files from a fresh server running
// the default plugins (see packages/sdk/src/codegen/standard-schema.ts):
//   docs/schema/standard.graphql        the admin SDL, sorted (reviewed as the API)
//   packages/sdk/src/generated/crm.ts   the codegen output, `@relata/sdk/crm`
//
//   npm run generate:standard
//
// The test packages/sdk/tests/standard-schema.test.ts fails while they are stale.
import { register } from 'tsx/esm/api';

// Always the embedded database (in memory): the schema does not depend on it.
delete process.env.RELATA_TEST_DATABASE_URL;
register();
const { generateStandardFiles, writeStandardFiles, STANDARD_FILES } = await import('../packages/sdk/src/codegen/standard-schema.ts');
const changed = writeStandardFiles(await generateStandardFiles());
if (changed.length === 0) {
  console.log(`Up to date: ${Object.values(STANDARD_FILES).join(', ')}.`);
} else {
  console.log(`Wrote ${changed.join(', ')}: review the diff (git diff) before committing; it is a change of the API.`);
}
