import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BaselineEntry } from '../domain/types.ts';
import { baselineKey } from '../domain/types.ts';
import { SpocError } from '../errors/spoc-error.ts';
import type { OwnershipReason } from './history.ts';
import { MIGRATIONS } from './migrations.ts';
import { openStore, type StateLocation } from './state-store.ts';
import { company, storeBackends, tmpStorePath } from './store-testing.ts';

let path: string | StateLocation;

function userVersion(file: string): number {
  const raw = new DatabaseSync(file);
  try {
    return Number((raw.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  } finally {
    raw.close();
  }
}

describe('opening a state file', () => {
  let path: string;
  beforeEach(() => {
    path = tmpStorePath();
  });
  it('creates its folder and a WAL database at the current schema, and re-opening changes nothing', () => {
    const store = openStore(path);
    store.mirror.setCursor('marketing', 'accounts', 'c1');
    store.close();
    const raw = new DatabaseSync(path);
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    raw.close();
    expect(userVersion(path)).toBe(MIGRATIONS.length);

    const again = openStore(path);
    expect(again.mirror.getCursor('marketing')).toBe('c1');
    again.close();
    expect(userVersion(path)).toBe(MIGRATIONS.length);
  });

  it('migrates a file written by an older spoc, keeping its data', () => {
    mkdirSync(dirname(path), { recursive: true });
    const raw = new DatabaseSync(path);
    raw.exec(String(MIGRATIONS[0]));
    raw.exec('PRAGMA user_version = 1');
    raw.exec(
      `INSERT INTO baselines (system, record_id, role, value, at) VALUES ('crm', '001A', 'csm', 'a@x.io', 't0')`,
    );
    raw.close();

    const store = openStore(path);
    expect([...store.baselines.load().values()]).toEqual([
      { system: 'crm', recordId: '001A', role: 'csm', value: 'a@x.io', at: 't0' },
    ]);
    store.baselines.upsert([
      { system: 'crm', recordId: '001A', role: 'csm', value: 'b@x.io', at: 't1', standIn: true },
    ]);
    expect(store.baselines.load().get(baselineKey('crm', '001A', 'csm'))?.standIn).toBe(true);
    store.close();
    expect(userVersion(path)).toBe(MIGRATIONS.length);
  });

  it('refuses a file from a newer spoc with a config error that says to upgrade, leaving the file alone', () => {
    openStore(path).close();
    const raw = new DatabaseSync(path);
    raw.exec('PRAGMA user_version = 99');
    raw.close();

    let thrown: unknown;
    try {
      openStore(path);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SpocError);
    expect(thrown).toMatchObject({ kind: 'config', code: 'STATE_TOO_NEW' });
    expect((thrown as Error).message).toMatch(/newer spoc \(schema 99, this one knows \d+\): upgrade spoc/);
    expect((thrown as Error).message).toContain(path);
    expect(userVersion(path)).toBe(99);
  });

  it('works in memory', () => {
    const store = openStore(':memory:');
    store.mirror.upsertAccounts([company('1', '70')]);
    expect(store.mirror.loadAccounts()).toEqual([company('1', '70')]);
    store.close();
    store.close();
  });
});

describe.each(storeBackends())('the $name store', (backend) => {
  beforeEach(() => {
    path = backend.fresh();
  });

  describe('runs and the audit', () => {
    it('records runs with sortable ids, lists them newest first and keeps their counts and error', () => {
      let clock = Date.parse('2026-11-22T10:15:00.000Z');
      const store = openStore(path, { now: () => new Date(clock) });
      const first = store.runs.start({ dryRun: false, full: true });
      clock += 60_000;
      const second = store.runs.start({ dryRun: true, full: false });
      clock += 1_000;
      store.runs.finish(first, 'partial', { changes: 3, failed: 1 }, 'marketing: 1 record failed');

      expect(first).toMatch(/^r_20261122T101500Z_[0-9a-f]{4}$/);
      expect([first, second].sort()).toEqual([first, second]);
      expect(store.runs.list(10).map((r) => r.id)).toEqual([second, first]);
      expect(store.runs.list(1).map((r) => r.id)).toEqual([second]);
      expect(store.runs.get(first)).toEqual({
        id: first,
        startedAt: '2026-11-22T10:15:00.000Z',
        finishedAt: '2026-11-22T10:16:01.000Z',
        status: 'partial',
        dryRun: false,
        full: true,
        counts: { changes: 3, failed: 1 },
        error: 'marketing: 1 record failed',
        durationMs: null,
        pid: process.pid,
        host: expect.any(String),
      });
      expect(store.runs.get(second)).toMatchObject({ status: 'running', dryRun: true, finishedAt: null, counts: null });
      expect(store.runs.get('r_nope')).toBeUndefined();
      store.close();
    });

    it('keeps every change of a run with its outcome, findable by run and by account', () => {
      const store = openStore(path, { now: () => new Date('2026-11-22T10:15:00.000Z') });
      const run = store.runs.start({ dryRun: false, full: false });
      const change = {
        account: 'crm:001A',
        accountName: 'Acme',
        role: 'account_owner',
        system: 'marketing' as const,
        recordId: '1000',
        from: null,
        // A text field's own words, kept as they were (not a known person).
        fromValue: { email: 'partner@elsewhere.example' },
        to: 'b@x.io',
        reason: 'authority' as const,
        result: 'written' as const,
        error: null,
      };
      const failed = {
        ...change,
        account: 'crm:001B',
        system: 'helpdesk' as const,
        from: 'a@x.io',
        fromValue: { id: '360001' },
        result: 'failed' as const,
        error: { code: 'INVALID', kind: 'record', message: 'agent suspended' },
      };
      store.runs.recordChanges(run, [change, failed]);
      const at = '2026-11-22T10:15:00.000Z';
      expect(store.runs.changesForRun(run)).toEqual([
        { ...change, runId: run, at },
        { ...failed, runId: run, at },
      ]);
      expect(store.runs.changesForAccount('crm:001B')).toEqual([{ ...failed, runId: run, at }]);
      expect(store.runs.changesForRun('r_other')).toEqual([]);
      store.close();
    });

    it('masks secrets in the error text it keeps (a run’s and a change’s), so the file never holds them', () => {
      const token = 'pat-na1-4f6b2c1e-9d8a';
      const store = openStore(path, { mask: (text) => text.replaceAll(token, '[redacted]') });
      const run = store.runs.start({ dryRun: false, full: false });
      const echoed = `401 Unauthorized: Authorization: Bearer ${token}`;
      store.runs.recordChanges(run, [
        {
          account: 'salesforce:001A',
          accountName: 'Acme',
          role: 'account_owner',
          system: 'hubspot',
          recordId: '1000',
          from: null,
          fromValue: null,
          to: 'b@x.io',
          reason: 'authority',
          result: 'failed',
          error: { code: 'HUBSPOT_UNAUTHORIZED', kind: 'auth', message: echoed },
        },
      ]);
      store.runs.finish(run, 'failed', {}, echoed);
      expect(store.runs.get(run)?.error).toBe('401 Unauthorized: Authorization: Bearer [redacted]');
      expect(store.runs.changesForRun(run)[0]?.error?.message).toBe(
        '401 Unauthorized: Authorization: Bearer [redacted]',
      );
      store.close();
      // The file's bytes (Postgres keeps the same masked text, checked through the store above).
      if (typeof path === 'string') {
        const file = path;
        const bytes = [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1'));
        expect(bytes.join('')).not.toContain(token);
      }
    });
  });

  describe('the account mirror', () => {
    it('round-trips records exactly, including null role values, null xrefs and a null modified time', () => {
      const store = openStore(path);
      store.mirror.upsertAccounts([company('2', null), company('1', '70')]);
      store.close();
      const again = openStore(path);
      expect(again.mirror.loadAccounts('marketing')).toEqual([company('1', '70'), company('2', null)]);
      expect(again.mirror.loadAccounts('crm')).toEqual([]);
      again.close();
    });

    it('updates a record on a later incremental read and leaves the other systems alone', () => {
      const store = openStore(path);
      const sf = { ...company('001A', '005X'), system: 'crm' as const };
      store.mirror.upsertAccounts([company('1', '70'), company('2', '70'), sf]);
      store.mirror.upsertAccounts([company('2', '71')]);
      expect(store.mirror.loadAccounts()).toEqual([sf, company('1', '70'), company('2', '71')]);
      store.close();
    });

    it('makes a full read the exact mirror: vanished records drop, other systems stay', () => {
      const store = openStore(path);
      const sf = { ...company('001A', '005X'), system: 'crm' as const };
      const keys = (r: { id: string }) => [`0:${r.id}`];
      store.mirror.upsertAccounts([company('1', '70'), company('2', null), sf], keys, 'read-1');
      // A full read of marketing, page by page: 2, then 3; then what it did not return goes.
      store.mirror.upsertAccounts([company('2', '71')], keys, 'read-2');
      store.mirror.upsertAccounts([company('3', '72')], keys, 'read-2');
      store.mirror.keepOnly('marketing', 'read-2');
      expect(store.mirror.loadAccounts('marketing')).toEqual([company('2', '71'), company('3', '72')]);
      expect(store.mirror.loadAccounts('crm')).toEqual([sf]);
      expect(store.mirror.linkKeyHolders(['0:1', '0:2', '0:001A']).sort()).toEqual(['crm:001A', 'marketing:2']);
      store.close();
    });

    it('shows what spoc wrote until the vendor says otherwise, touching nothing else in the record', () => {
      const store = openStore(path);
      store.mirror.upsertAccounts([company('2', null)]);
      store.mirror.applyWrittenValues('marketing', '2', 'account_owner', { id: '72' });
      store.mirror.applyWrittenValues('marketing', '404', 'account_owner', { id: '72' });
      const expected = company('2', null);
      expected.roles.account_owner = { id: '72' };
      expect(store.mirror.loadAccounts()).toEqual([expected]);
      store.mirror.upsertAccounts([company('2', '75')]);
      expect(store.mirror.loadAccounts()).toEqual([company('2', '75')]);

      store.mirror.upsertAccounts([company('3', null)]);
      store.mirror.applyWrittenValuesMany('marketing', [
        { recordId: '2', role: 'csm', value: { email: 'c@x.io' } },
        { recordId: '3', role: 'account_owner', value: { id: '73' } },
      ]);
      expect(store.mirror.loadAccounts().map((r) => [r.id, r.roles.account_owner, r.roles.csm])).toEqual([
        ['2', { id: '75' }, { email: 'c@x.io' }],
        ['3', { id: '73' }, { email: 'x@acme.test' }],
      ]);
      store.close();
    });

    it('keeps every record of a large full read and of the incremental read after it', () => {
      const store = openStore(path);
      const records = Array.from({ length: 5_000 }, (_, i) => company(String(i + 10), String(i % 40)));
      store.mirror.upsertAccounts(records);
      store.mirror.upsertAccounts(records.slice(0, 1000).map((r) => ({ ...r, name: 'renamed' })));
      const loaded = store.mirror.loadAccounts('marketing');
      expect(loaded).toHaveLength(5_000);
      expect(loaded.filter((r) => r.name === 'renamed')).toHaveLength(1000);
      store.close();
    });
  });

  describe('baselines and cursors', () => {
    it('keeps the latest baseline per (system, record, role) across reopening, null values included', () => {
      const store = openStore(path);
      const entry = (recordId: string, value: string | null, at: string): BaselineEntry => ({
        system: 'helpdesk',
        recordId,
        role: 'csm',
        value,
        at,
      });
      store.baselines.upsert([entry('5', 'a@x.io', 't1'), entry('6', 'c@x.io', 't1')]);
      store.baselines.upsert([entry('5', null, 't2'), { ...entry('6', 'd@x.io', 't2'), standIn: true }]);
      store.close();
      const again = openStore(path);
      const baseline = again.baselines.load();
      expect(baseline.size).toBe(2);
      expect(baseline.get(baselineKey('helpdesk', '5', 'csm'))).toEqual(entry('5', null, 't2'));
      expect(baseline.get(baselineKey('helpdesk', '6', 'csm'))).toEqual({
        ...entry('6', 'd@x.io', 't2'),
        standIn: true,
      });
      again.close();
    });

    it('looks baseline entries up one by one, as stored, without loading them all', () => {
      const store = openStore(path);
      const entry: BaselineEntry = {
        system: 'marketing',
        recordId: '42',
        role: 'owner',
        value: 'anna@acme.test',
        at: 't1',
        decided: 'anna@acme.test',
      };
      const lookup = store.baselines.lookup();
      expect(lookup.get(baselineKey('marketing', '42', 'owner'))).toBeUndefined();
      store.baselines.upsert([entry, { ...entry, recordId: '43', value: null, standIn: true }]);
      // The lookup reads the store as it is now, not as it was when the lookup was made.
      expect(lookup.get(baselineKey('marketing', '42', 'owner'))).toEqual(entry);
      expect(lookup.get(baselineKey('marketing', '43', 'owner'))).toEqual({
        ...entry,
        recordId: '43',
        value: null,
        standIn: true,
      });
      expect(lookup.get(baselineKey('marketing', '42', 'csm'))).toBeUndefined();
      expect(lookup.get(baselineKey('helpdesk', '42', 'owner'))).toBeUndefined();
      store.close();
    });

    it('a prefetched chunk answers exactly as one lookup per entry would, for any entries and any chunk', () => {
      const systems = ['marketing', 'crm', 'helpdesk'];
      const roles = ['owner', 'csm'];
      fc.assert(
        fc.property(
          fc.uniqueArray(
            fc.record({
              system: fc.constantFrom(...systems),
              recordId: fc.constantFrom('1', '2', '3', '0013', "o'brien"),
              role: fc.constantFrom(...roles),
              value: fc.option(fc.constantFrom('anna@acme.test', 'bruno@acme.test'), { nil: null }),
              standIn: fc.boolean(),
              decided: fc.option(fc.constant('anna@acme.test'), { nil: undefined }),
            }),
            { selector: (e) => `${e.system}/${e.recordId}/${e.role}` },
          ),
          fc.array(
            fc.record({
              system: fc.constantFrom(...systems),
              recordId: fc.constantFrom('1', '2', '0013', "o'brien", '9'),
            }),
          ),
          (entries, chunk) => {
            const stored: BaselineEntry[] = entries.map(({ standIn, decided, ...e }) => ({
              ...e,
              at: 't1',
              ...(standIn ? { standIn: true } : {}),
              ...(decided ? { decided } : {}),
            }));
            const fresh = openStore(':memory:');
            fresh.baselines.upsert(stored);
            const one = fresh.baselines.lookup();
            const chunked = fresh.baselines.lookup();
            chunked.prefetch?.(chunk);
            for (const system of systems)
              for (const recordId of ['1', '2', '3', '0013', "o'brien", '9'])
                for (const role of roles) {
                  const key = baselineKey(system, recordId, role);
                  expect(chunked.get(key)).toEqual(one.get(key));
                }
            fresh.close();
          },
        ),
        { numRuns: 100 },
      );
    });

    it('an upsert given one entry twice keeps the later, as one write after the other would', () => {
      const store = openStore(path);
      store.baselines.upsert([
        { system: 'crm', recordId: '1', role: 'csm', value: 'a@x.io', at: 't0' },
        { system: 'crm', recordId: '2', role: 'csm', value: 'b@x.io', at: 't0' },
        { system: 'crm', recordId: '1', role: 'csm', value: 'c@x.io', at: 't1', decided: 'c@x.io' },
      ]);
      expect([...store.baselines.load().values()].sort((a, b) => a.recordId.localeCompare(b.recordId))).toEqual([
        { system: 'crm', recordId: '1', role: 'csm', value: 'c@x.io', at: 't1', decided: 'c@x.io' },
        { system: 'crm', recordId: '2', role: 'csm', value: 'b@x.io', at: 't0' },
      ]);
      store.close();
    });

    it('keeps a cursor per system and kind; clearing them forces the next read to be full', () => {
      const store = openStore(path);
      expect(store.mirror.getCursor('marketing')).toBeNull();
      store.mirror.setCursor('marketing', 'accounts', '{"ts":1}');
      store.mirror.setCursor('marketing', 'accounts', '{"ts":2}');
      store.mirror.setCursor('marketing', 'check', 'x');
      store.mirror.setCursor('helpdesk', 'accounts', 'z');
      expect(store.mirror.getCursor('marketing')).toBe('{"ts":2}');
      expect(store.mirror.getCursor('marketing', 'check')).toBe('x');
      expect(store.mirror.getCursor('helpdesk', 'accounts')).toBe('z');
      store.mirror.clearCursors();
      expect([store.mirror.getCursor('marketing'), store.mirror.getCursor('helpdesk')]).toEqual([null, null]);
      store.close();
    });
  });

  describe('ownership history', () => {
    const row = (
      email: string | null,
      runId: string,
      reason: OwnershipReason = 'observed',
      system: 'marketing' | 'crm' = 'marketing',
    ) => ({
      account: 'crm:001A',
      role: 'account_owner',
      system,
      recordId: system === 'marketing' ? '1000' : '001A',
      email,
      runId,
      reason,
      at: `2026-11-2${runId.slice(1)}T00:00:00.000Z`,
    });

    it('keeps transitions only, oldest first, per (account, role, system)', () => {
      const store = openStore(path);
      store.history.record([row('a@x.io', 'r1'), row('a@x.io', 'r1', 'observed', 'crm')]);
      store.history.record([row('a@x.io', 'r2'), row('a@x.io', 'r2', 'observed', 'crm')]);
      store.history.record([row('b@x.io', 'r3', 'authority'), row('b@x.io', 'r3', 'authority')]);
      store.history.record([row(null, 'r4')]);
      store.history.record([row(null, 'r5'), row('a@x.io', 'r5', 'propagate')]);
      expect(
        store.history
          .forAccount('crm:001A')
          .filter((r) => r.system === 'marketing')
          .map((r) => [r.email, r.runId, r.reason]),
      ).toEqual([
        ['a@x.io', 'r1', 'observed'],
        ['b@x.io', 'r3', 'authority'],
        [null, 'r4', 'observed'],
        ['a@x.io', 'r5', 'propagate'],
      ]);
      expect(store.history.forAccount('crm:001A').filter((r) => r.system === 'crm')).toEqual([
        { ...row('a@x.io', 'r1', 'observed', 'crm') },
      ]);
      expect(store.history.forAccount('crm:001B')).toEqual([]);
      store.close();
    });

    it('finds an account by key, name (any case), or a record id of any system in any of its forms', () => {
      const store = openStore(path);
      // A system whose ids have a short and a long form (as a definition's referenceForms says).
      const id15 = '001Aa00000Bcd12';
      const id18 = `${id15}AAE`;
      const forms = (id: string) => (id === id15 ? [id, id18] : id === id18 ? [id, id15] : [id]);
      const run = store.runs.start({ dryRun: false, full: false });
      store.ownership.save(
        run,
        [
          {
            account: `crm:${id18}`,
            role: 'owner',
            name: 'Acme GmbH',
            status: 'consistent',
            decided: 'a@x.io',
            detail: null,
            systems: { crm: { recordId: id18, owner: 'a@x.io' }, marketing: { recordId: '1000', owner: 'a@x.io' } },
            runId: run,
          },
        ],
        [],
      );
      // An account only the history knows (its state predates the read model): found by key or record.
      store.history.record([{ ...row('a@x.io', 'r1'), account: 'marketing:77', recordId: '77' }]);
      const acme = [{ account: `crm:${id18}`, name: 'Acme GmbH' }];
      for (const q of [`crm:${id18}`, 'acme gmbh', id18, id15, '1000'])
        expect(store.history.findAccounts(q, forms)).toEqual(acme);
      expect(store.history.findAccounts('77')).toEqual([{ account: 'marketing:77', name: null }]);
      expect(store.history.findAccounts('Acme')).toEqual([]);
      expect(store.history.findAccounts('%')).toEqual([]);
      store.close();
    });
  });
});
