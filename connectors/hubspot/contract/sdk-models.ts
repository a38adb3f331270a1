import { z } from 'zod';

/** One entry of an SDK model's `attributeTypeMap` (what @hubspot/api-client's generator writes). */
interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}
type Model = { attributeTypeMap: Attribute[] };
/** A codegen `models/all.js` namespace: model classes and enum objects by name. */
export type ModelNamespace = Record<string, unknown>;

const MAP = /^\{ \[key: string\]: (.+); \}$/;
const ARRAY = /^Array<(.+)>$/;

/**
 * A zod schema of the JSON HubSpot sends or takes for an SDK model, built from the model's
 * generated `attributeTypeMap` rather than by hand: keys are the wire names (baseName),
 * every field optional, no field the model lacks (strict), `Date` as the ISO string it is
 * on the wire, enums as their generated values. `overrides` replaces fields (by wire name)
 * where HubSpot's documentation departs from the generated model, each with its reason
 * at the call site.
 */
export function modelSchema(
  models: ModelNamespace,
  name: string,
  overrides: Record<string, z.ZodType> = {},
): z.ZodType {
  const model = models[name] as Model | undefined;
  if (!model?.attributeTypeMap) throw new Error(`no SDK model ${name}`);
  const shape: Record<string, z.ZodType> = {};
  for (const attribute of model.attributeTypeMap) {
    shape[attribute.baseName] = (overrides[attribute.baseName] ?? typeSchema(models, attribute.type)).optional();
  }
  for (const [field, schema] of Object.entries(overrides)) shape[field] ??= schema.optional();
  return z.strictObject(shape);
}

function typeSchema(models: ModelNamespace, type: string): z.ZodType {
  const map = MAP.exec(type);
  if (map?.[1]) return z.record(z.string(), typeSchema(models, map[1]));
  const array = ARRAY.exec(type);
  if (array?.[1]) return z.array(typeSchema(models, array[1]));
  if (type.endsWith(' | null')) return typeSchema(models, type.slice(0, -' | null'.length)).nullable();
  switch (type) {
    case 'string':
      return z.string();
    case 'number':
      return z.number();
    case 'boolean':
      return z.boolean();
    case 'Date':
      return z.iso.datetime({ offset: true });
    case 'any':
      return z.unknown();
  }
  const named = models[type];
  if (named && typeof named === 'function' && 'attributeTypeMap' in named) {
    return z.lazy(() => modelSchema(models, type));
  }
  if (named && typeof named === 'object') {
    const values = Object.values(named as Record<string, string>);
    return z.enum(values as [string, ...string[]]);
  }
  throw new Error(`SDK type ${type} is not understood`);
}
