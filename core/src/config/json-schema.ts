import { z } from 'zod';
import { rawConfigSchema } from './schema.ts';

/** JSON Schema of the YAML config as admins write it (input side: defaults are optional). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(rawConfigSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://spoc.dev/spoc.schema.json',
    title: 'spoc configuration',
  };
}
