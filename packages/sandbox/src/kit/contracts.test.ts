import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Contracts, contractProblems } from './contracts.ts';
import { parseFaults } from './faults.ts';
import { type RunningEmulator, startEmulator } from './start-emulator.ts';
import type { EmulatorDefinition } from './types.ts';

/** A toy vendor whose answer drifts from its documentation when asked to (`toy.drift=1`). */
const toy: EmulatorDefinition<'toy'> = {
  id: 'toy',
  behaviours: { 'toy.drift': 'share of answers that carry a number where the docs say string (default 0)' },
  create: (_seed, context) => ({
    routes: [
      {
        method: 'POST',
        path: '/things/:id',
        handler: (req) => ({
          status: 200,
          body: { id: context.faults.rollBehaviour('toy.drift') ? 7 : req.params.id, name: 'x' },
        }),
      },
    ],
    authenticate: () => null,
    buckets: {},
    rateLimited: () => ({ status: 429 }),
    rateHeaders: () => ({}),
    error: (status, message) => ({ status, body: { message } }),
    reset: () => {},
  }),
};

const contracts: Contracts = {
  'POST /things/:id': {
    source: 'https://toy.example/docs#update-thing',
    request: z.strictObject({ name: z.string() }),
    response: z.strictObject({ id: z.string(), name: z.string() }),
  },
};

let running: RunningEmulator | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const post = (path: string, body: unknown) =>
  fetch(`${running?.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('contract checks over a recorded run', () => {
  it('passes what the definition allows and names the endpoint and field of each departure', async () => {
    running = await startEmulator(toy, undefined, { record: true });
    await post('/things/a1', { name: 'x' });
    expect(contractProblems(running.exchanges(), contracts)).toEqual([]);

    await post('/things/a2', { name: 'x', colour: 'red' });
    await fetch(`${running.url}/elsewhere`);
    expect(contractProblems(running.exchanges(), contracts)).toEqual([
      'POST /things/:id (/things/a2) request: (body): Unrecognized key: "colour"',
      "GET ?: no contract for this endpoint (the vendor's definition of it must be written down)",
    ]);
  });

  it('catches the emulator answering off its documentation, through a declared behaviour', async () => {
    running = await startEmulator(toy, undefined, { record: true, faults: parseFaults('toy.drift=1') });
    await post('/things/a1', { name: 'x' });
    expect(contractProblems(running.exchanges(), contracts)).toEqual([
      'POST /things/:id (/things/a1) response: id: Invalid input: expected string, received number',
    ]);
    expect(running.stats().faults['toy.drift']).toBe(1);
  });

  it('refuses a behaviour the emulator does not declare, and records nothing unless asked', async () => {
    await expect(startEmulator(toy, undefined, { faults: parseFaults('toy.meteor=1') })).rejects.toThrow(
      'unknown toy behaviour "toy.meteor" (known: toy.drift)',
    );
    running = await startEmulator(toy, undefined);
    await post('/things/a1', { name: 'x' });
    expect(running.exchanges()).toEqual([]);
    const refused = await fetch(`${running.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ spec: 'toy.meteor=1' }),
    });
    expect(refused.status).toBe(400);
  });
});
