import type { Route, VendorRecord } from '@spoc/sandbox/kit';
import { bodyOf, type FreshdeskEnv, isoSeconds } from './env.ts';
import { type FieldError, notFound, validationFailed } from './errors.ts';
import { pageOf } from './paging.ts';

/** Company attributes an update may carry besides custom_fields. */
const WRITABLE = new Set([
  'name',
  'description',
  'note',
  'domains',
  'health_score',
  'account_tier',
  'renewal_date',
  'industry',
]);
const TEXT_MAX = 255;

/** Companies: the paged list, view, update (one company a call), and the field definitions. */
export function companyRoutes({ store, context }: FreshdeskEnv): Route[] {
  return [
    { method: 'GET', path: '/api/v2/companies', handler: (req) => pageOf(req, store.companies.list) },
    { method: 'GET', path: '/api/v2/company_fields', handler: () => ({ status: 200, body: store.fields }) },
    {
      method: 'GET',
      path: '/api/v2/companies/:id',
      handler: (req) => {
        const company = store.companies.byId.get(Number(req.params.id));
        return company ? { status: 200, body: company } : notFound();
      },
    },
    {
      method: 'PUT',
      path: '/api/v2/companies/:id',
      handler: (req) => {
        const company = store.companies.byId.get(Number(req.params.id));
        if (!company) return notFound();
        const update = bodyOf(req.body);
        const custom = bodyOf(update.custom_fields);
        const errors = [
          ...Object.keys(update)
            .filter((k) => k !== 'custom_fields' && !WRITABLE.has(k))
            .map((k) => ({ field: k, message: 'Unexpected/invalid field in request', code: 'invalid_field' })),
          ...Object.entries(custom).flatMap(([k, v]) => fieldErrors(store.fields, k, v)),
        ];
        if (errors.length === 0 && context.faults.failRecord())
          errors.push({
            field: Object.keys(custom)[0] ?? 'name',
            message: 'Injected record failure',
            code: 'invalid_value',
          });
        if (errors.length > 0) return validationFailed(errors);
        for (const [k, v] of Object.entries(update)) {
          if (k === 'custom_fields') continue;
          company[k] = v;
          context.writes.record('companies', String(company.id), k, v);
        }
        const current = { ...bodyOf(company.custom_fields) };
        for (const [k, v] of Object.entries(custom)) {
          current[k] = v;
          context.writes.record('companies', String(company.id), `custom_fields.${k}`, v);
        }
        company.custom_fields = current;
        company.updated_at = isoSeconds(context.now());
        return { status: 200, body: company };
      },
    },
  ];
}

/**
 * What Freshdesk says of one custom field value: a field the account does not have, a
 * dropdown value outside its choices, or text over 255 characters.
 */
function fieldErrors(fields: VendorRecord[], name: string, value: unknown): FieldError[] {
  const def = fields.find((f) => f.name === name && String(f.type).startsWith('custom_'));
  if (!def) return [{ field: name, message: 'Unexpected/invalid field in request', code: 'invalid_field' }];
  if (value === null) return [];
  if (def.type === 'custom_dropdown') {
    const choices = (def.choices as unknown[] | undefined) ?? [];
    return choices.includes(value)
      ? []
      : [{ field: name, message: `It should be one of these values: '${choices.join(',')}'`, code: 'invalid_value' }];
  }
  if (def.type === 'custom_text' || def.type === 'custom_paragraph') {
    if (typeof value !== 'string')
      return [
        { field: name, message: 'Value set is of type Integer.It should be a/an String', code: 'datatype_mismatch' },
      ];
    if (def.type === 'custom_text' && value.length > TEXT_MAX)
      return [
        {
          field: name,
          message: `Has ${value.length} characters, it can have maximum of ${TEXT_MAX} characters`,
          code: 'invalid_value',
        },
      ];
  }
  return [];
}
