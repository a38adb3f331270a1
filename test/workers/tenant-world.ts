import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A tenant's config for a worker pool (the worker e2e and `pnpm bench:workers`): the demo
 * config pointed at one sandbox by its literal URLs (a worker's environment is shared by
 * every tenant), without notices or cascades (their pace is Slack's and the tickets'),
 * its state in Postgres at `${SPOC_TEST_STATE_URL}`.
 */
export function tenantConfigYaml(urls: Readonly<Record<string, string>>, options: { schedule?: string } = {}): string {
  let text = readFileSync(join(ROOT, 'config/spoc.demo.yaml'), 'utf8');
  for (const [id, url] of Object.entries(urls)) text = text.replaceAll(`\${SPOC_SANDBOX_${id.toUpperCase()}}`, url);
  const doc = parseDocument(text.replace(/^\s*cascade:.*$/m, ''));
  doc.delete('notify');
  doc.set('state', { postgres: '${SPOC_TEST_STATE_URL}' });
  // Generated books drift more than the demo's: the guard is not what a pool test measures.
  doc.setIn(['safety', 'maxChanges'], '100%');
  if (options.schedule) doc.set('schedule', options.schedule);
  return doc.toString();
}
