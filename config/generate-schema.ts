// Writes config/spoc.schema.json from the zod schema (editor completion and validation
// for spoc.yaml). `pnpm schema` writes it; `pnpm schema:check` (in CI) fails when the
// checked-in file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { configJsonSchema } from '@spoc/core';
import { REGISTRY } from '../packages/cli/src/registry.ts';

const target = new URL('./spoc.schema.json', import.meta.url);
const fresh = `${JSON.stringify(configJsonSchema(REGISTRY), null, 2)}\n`;

if (process.argv.includes('--check')) {
  if (readFileSync(target, 'utf8') !== fresh) {
    console.error('config/spoc.schema.json is stale: run pnpm schema and commit it');
    process.exit(1);
  }
  console.log('config/spoc.schema.json is up to date');
} else {
  writeFileSync(target, fresh);
  console.log(`wrote ${target.pathname}`);
}
