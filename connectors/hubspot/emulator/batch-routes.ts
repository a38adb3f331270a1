import type { Route, SandboxRequest, SandboxResponse } from '@spoc/sandbox/kit';
import { changeSourceOf, checkWriteScope } from './auth.ts';
import { WHOLE_BATCH_INVALID } from './behaviours.ts';
import type { HubspotEnv } from './env.ts';
import { type BatchError, batchError, unknownObjectType, validationError } from './errors.ts';
import { objectView } from './object-view.ts';
import { applyValues, singularName } from './object-writes.ts';
import { invalidProperties, invalidPropertiesMessage, propertyValues } from './property-values.ts';
import { type ObjectType, objectTypeOf } from './schema.ts';

/** HubSpot's batch size for reads and updates. */
export const BATCH_LIMIT = 100;

/**
 * Batch read and update. All inputs fine → 200; some failed → 207 with the good results
 * and one error per failed input naming its id (context.ids). An invalid property value
 * fails the whole update with one 400 unless hubspot.batchInvalidRefusesWhole=0 (see behaviours.ts).
 */
export function batchRoutes(env: HubspotEnv): Route[] {
  const { store, context } = env;

  const withInputs = (
    req: SandboxRequest,
    handle: (type: ObjectType, inputs: Record<string, unknown>[]) => SandboxResponse,
  ): SandboxResponse => {
    const type = objectTypeOf(req.params.type);
    if (!type) return unknownObjectType(req.params.type ?? '');
    const inputs = (req.body as { inputs?: unknown } | undefined)?.inputs;
    if (!Array.isArray(inputs)) return validationError('Invalid input JSON: "inputs" must be an array');
    if (inputs.length > BATCH_LIMIT) {
      return validationError(`Batch input limit exceeded: ${inputs.length} inputs, the maximum is ${BATCH_LIMIT}.`);
    }
    return handle(type, inputs as Record<string, unknown>[]);
  };

  const batchResponse = (started: string, results: unknown[], errors: BatchError[]): SandboxResponse => {
    const completedAt = new Date(context.now()).toISOString();
    const times = { startedAt: started, completedAt };
    return errors.length === 0
      ? { status: 200, body: { status: 'COMPLETE', results, ...times } }
      : { status: 207, body: { status: 'COMPLETE', results, numErrors: errors.length, errors, ...times } };
  };

  return [
    {
      method: 'POST',
      path: '/crm/v3/objects/:type/batch/read',
      handler: (req) =>
        withInputs(req, (type, inputs) => {
          const started = env.nowIso();
          const body = req.body as { properties?: unknown; propertiesWithHistory?: unknown; idProperty?: unknown };
          const properties = Array.isArray(body.properties) ? body.properties.map(String) : [];
          const withHistory = Array.isArray(body.propertiesWithHistory) ? body.propertiesWithHistory.map(String) : [];
          const idProperty = typeof body.idProperty === 'string' ? body.idProperty : null;
          const archived = req.query.get('archived') === 'true';
          const results = [];
          const missing: string[] = [];
          for (const input of inputs) {
            const id = String(input.id);
            const o =
              idProperty && idProperty !== 'hs_object_id'
                ? store.objects[type].list.find((r) => r.properties[idProperty] === id)
                : store.objects[type].byId.get(id);
            if (o && o.archived === archived)
              results.push(
                withHistory.length === 0
                  ? objectView(o, type, properties)
                  : {
                      ...objectView(o, type, properties),
                      propertiesWithHistory: Object.fromEntries(
                        withHistory.map((name) => [name, store.historyOf(type, o, name)]),
                      ),
                    },
              );
            else missing.push(id);
          }
          const errors =
            missing.length === 0
              ? []
              : [
                  batchError(
                    'OBJECT_NOT_FOUND',
                    `Could not get some ${singularName(type)} objects, they may be deleted or not exist. Check that ids are valid.`,
                    missing,
                  ),
                ];
          return batchResponse(started, results, errors);
        }),
    },
    {
      method: 'POST',
      path: '/crm/v3/objects/:type/batch/update',
      handler: (req) => {
        const type = objectTypeOf(req.params.type);
        const denied = type ? checkWriteScope(req, type) : null;
        if (denied) return denied;
        return withInputs(req, (type, inputs) => {
          const ids = inputs.map((input) => String(input.id));
          const duplicates = [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
          if (duplicates.length > 0) {
            return validationError(
              `Duplicate IDs found in batch input: [${duplicates.join(', ')}]. IDs must be unique`,
            );
          }
          if (context.faults.behaviour(WHOLE_BATCH_INVALID, 1) !== 0) {
            // Refused whole: nothing is written and the answer names no record.
            for (const input of inputs) {
              if (!store.live(type, String(input.id))) continue;
              const invalid = invalidProperties(store, type, propertyValues(input.properties));
              if (invalid.length > 0) return validationError(invalidPropertiesMessage(invalid));
            }
          }
          // One timestamp for the whole batch: its records tie on hs_lastmodifieddate, as on HubSpot.
          const now = env.nowIso();
          const results = [];
          const errors: BatchError[] = [];
          for (const input of inputs) {
            const id = String(input.id);
            const o = store.live(type, id);
            if (!o) {
              errors.push(
                batchError(
                  'OBJECT_NOT_FOUND',
                  `Could not update some ${singularName(type)} objects, they may be deleted or not exist. Check that ids are valid.`,
                  [id],
                ),
              );
              continue;
            }
            const values = propertyValues(input.properties);
            const invalid = invalidProperties(store, type, values);
            if (invalid.length > 0) {
              errors.push(batchError('VALIDATION_ERROR', invalidPropertiesMessage(invalid), [id]));
              continue;
            }
            if (context.faults.failRecord()) {
              errors.push(batchError('VALIDATION_ERROR', 'Injected record failure (sandbox fault record=P)', [id]));
              continue;
            }
            applyValues(env, type, o, values, now, changeSourceOf(req));
            results.push(objectView(o, type, Object.keys(values)));
          }
          return batchResponse(now, results, errors);
        });
      },
    },
  ];
}
