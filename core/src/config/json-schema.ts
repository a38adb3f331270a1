import { z } from 'zod';
import type { Registry } from '../registry/registry.ts';
import { configSchema } from './schema.ts';

/** JSON Schema of the YAML config as admins write it, for the registry's systems (input side: defaults are optional). */
export function configJsonSchema(registry: Registry): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema(registry), { io: 'input', unrepresentable: 'any' }),
    $id: 'https://spoc.dev/spoc.schema.json',
    title: 'spoc configuration',
  };
}
