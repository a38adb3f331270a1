import type { AssignmentWrite } from '@spoc/core/connector';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API, BASE, config, ctx, fast, sfError, sfId, usage } from '../test/fixtures.ts';
import { createSalesforceConnector } from './connector.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});

type Body = { allOrNone: boolean; records: { id: string; attributes: { type: string } }[] };
const ok = (id: string) => ({ id, success: true, errors: [] });
const fail = (statusCode: string, message: string, fields: string[] = []) => ({
  success: false,
  errors: [{ statusCode, message, fields }],
});
/** A composite/sobjects answer saving every record of the request. */
const allSaved = async (req: Request) => ((await req.json()) as Body).records.map((r) => ok(r.id));
const owner = (n: number, to: number): AssignmentWrite => ({
  recordId: sfId('001', n),
  role: 'account_owner',
  to: { id: sfId('005', to), email: `user${to}@acme.example` },
});

describe('writing owners through composite/sobjects', () => {
  it('merges the roles of one Account into one record and maps per-record errors, results in input order', async () => {
    const bodies: Body[] = [];
    nock(BASE)
      .patch(`${API}/composite/sobjects`, (body: Body) => {
        bodies.push(body);
        return true;
      })
      .reply(200, [
        ok(sfId('001', 1)),
        fail('INACTIVE_OWNER_OR_USER', 'operation performed with inactive user'),
        fail('ENTITY_IS_DELETED', 'entity is deleted'),
        fail('FIELD_CUSTOM_VALIDATION_EXCEPTION', 'CSM must be in the CS team', ['CSM__c']),
      ]);
    const connector = createSalesforceConnector(config, ctx, fast);
    const results = await connector.writeAssignments([
      owner(1, 2),
      owner(2, 9),
      { recordId: sfId('001', 1), role: 'csm', to: { id: sfId('005', 3), email: 'user3@acme.example' } },
      owner(3, 2),
      { recordId: sfId('001', 4), role: 'csm', to: { id: sfId('005', 4), email: 'user4@acme.example' } },
    ]);

    expect(bodies).toEqual([
      {
        allOrNone: false,
        records: [
          { attributes: { type: 'Account' }, id: sfId('001', 1), OwnerId: sfId('005', 2), CSM__c: sfId('005', 3) },
          { attributes: { type: 'Account' }, id: sfId('001', 2), OwnerId: sfId('005', 9) },
          { attributes: { type: 'Account' }, id: sfId('001', 3), OwnerId: sfId('005', 2) },
          { attributes: { type: 'Account' }, id: sfId('001', 4), CSM__c: sfId('005', 4) },
        ],
      },
    ]);
    expect(results.map((r) => [r.recordId, r.role, r.ok ? 'ok' : r.error])).toEqual([
      [sfId('001', 1), 'account_owner', 'ok'],
      [
        sfId('001', 2),
        'account_owner',
        { code: 'INACTIVE_OWNER_OR_USER', kind: 'record', message: 'operation performed with inactive user' },
      ],
      [sfId('001', 1), 'csm', 'ok'],
      [sfId('001', 3), 'account_owner', { code: 'ENTITY_IS_DELETED', kind: 'record', message: 'entity is deleted' }],
      [
        sfId('001', 4),
        'csm',
        { code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', kind: 'record', message: 'CSM must be in the CS team (CSM__c)' },
      ],
    ]);
    expect(connector.stats().calls).toBe(1);
  });

  it('sends 200 records a call: 450 Accounts cost 3 calls', async () => {
    const sizes: number[] = [];
    nock(BASE)
      .patch(`${API}/composite/sobjects`)
      .times(3)
      .reply(200, async (req: Request) => {
        const { records } = (await req.json()) as Body;
        sizes.push(records.length);
        return records.map((r) => ok(r.id));
      });
    const connector = createSalesforceConnector(config, ctx, fast);
    const writes = Array.from({ length: 450 }, (_, i) => owner(i + 1, 2));
    const results = await connector.writeAssignments(writes);
    expect(sizes).toEqual([200, 200, 50]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => r.recordId)).toEqual(writes.map((w) => w.recordId));
    expect(connector.stats().calls).toBe(3);
  });

  it('retries the PATCH after a 503 and after a connection reset (jsforce alone never would)', async () => {
    nock(BASE)
      .patch(`${API}/composite/sobjects`)
      .reply(503, sfError('SERVER_UNAVAILABLE', 'Server temporarily unavailable'))
      .patch(`${API}/composite/sobjects`)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .patch(`${API}/composite/sobjects`)
      .reply(200, [ok(sfId('001', 1))]);
    const connector = createSalesforceConnector(config, ctx, fast);
    expect(await connector.writeAssignments([owner(1, 2)])).toEqual([
      { recordId: sfId('001', 1), role: 'account_owner', ok: true },
    ]);
    expect(connector.stats()).toEqual({ calls: 3, retries: 2, throttled: 0 });
  });

  it('keeps what was written when the daily limit stops the writes, and fails only what was not sent', async () => {
    nock(BASE)
      .patch(`${API}/composite/sobjects`)
      .reply(200, allSaved)
      .patch(`${API}/composite/sobjects`)
      .reply(403, sfError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
    const writes = Array.from({ length: 250 }, (_, i) => owner(i + 1, 2));
    const results = await createSalesforceConnector(config, ctx, fast).writeAssignments(writes);
    expect(results.slice(0, 200).every((r) => r.ok)).toBe(true);
    expect(results.slice(200).map((r) => (r.ok ? 'ok' : `${r.error.kind}:${r.error.code}`))).toEqual(
      Array(50).fill('vendor:SALESFORCE_DAILY_LIMIT'),
    );
  });

  it('throws when the first call is already refused, so the run stops this system', async () => {
    nock(BASE)
      .patch(`${API}/composite/sobjects`)
      .reply(403, sfError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), usage(5000));
    await expect(createSalesforceConnector(config, ctx, fast).writeAssignments([owner(1, 2)])).rejects.toMatchObject({
      kind: 'vendor',
      code: 'SALESFORCE_DAILY_LIMIT',
      message: expect.stringContaining('daily API request allocation'),
    });
  });

  it('fails the records of a call Salesforce refuses as a whole, and goes on with the next call', async () => {
    nock(BASE)
      .patch(`${API}/composite/sobjects`)
      .reply(400, sfError('JSON_PARSER_ERROR', 'Unexpected character'))
      .patch(`${API}/composite/sobjects`)
      .reply(200, allSaved);
    const writes = Array.from({ length: 201 }, (_, i) => owner(i + 1, 2));
    const results = await createSalesforceConnector(config, ctx, fast).writeAssignments(writes);
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'JSON_PARSER_ERROR', kind: 'record' } });
    expect(results[200]).toMatchObject({ ok: true });
  });
});
