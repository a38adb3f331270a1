import { beforeEach, describe, expect, it } from 'vitest';
import type { AccountDecision } from '../domain/types.ts';
import { openStore, type StateLocation } from './state-store.ts';
import { storeBackends } from './store-testing.ts';

let fresh: () => string | StateLocation = () => ':memory:';

const decision = (n: number): AccountDecision => ({
  account: `crm:${String(n).padStart(5, '0')}`,
  name: `Customer ${n}`,
  records: { crm: String(n), helpdesk: `h${n}` },
  roles: [
    {
      role: 'owner',
      status: n % 3 === 0 ? 'drift' : 'consistent',
      owners: { crm: `p${n % 7}@acme.test`, helpdesk: null },
      decided: n % 5 === 0 ? null : `p${n % 7}@acme.test`,
      settled: 'consistent',
    },
  ],
});

describe.each(storeBackends())('the $name store', (backend) => {
  beforeEach(() => {
    fresh = backend.fresh;
  });

  describe("a sync's plan decisions", () => {
    it('walks back every decision kept, in account order, past one page, as often as asked', () => {
      const store = openStore(fresh());
      // Kept as parts are planned, in no order; 2,500 spans three pages of the walk.
      const all = Array.from({ length: 2_500 }, (_, n) => decision(n));
      store.planning.keepDecisions(all.filter((_, n) => n % 2 === 1));
      store.planning.keepDecisions(all.filter((_, n) => n % 2 === 0));
      const walked = store.planning.decisions();
      expect([...walked]).toEqual(all);
      expect([...walked].length).toBe(2_500);
      store.close();
    });

    it('keeps nothing of an earlier plan once cleared', () => {
      const store = openStore(fresh());
      store.planning.keepDecisions([decision(1), decision(2)]);
      store.planning.clear();
      expect([...store.planning.decisions()]).toEqual([]);
      store.planning.keepDecisions([decision(3)]);
      expect([...store.planning.decisions()]).toEqual([decision(3)]);
      store.close();
    });
  });
});
