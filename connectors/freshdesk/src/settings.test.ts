import { describe, expect, it } from 'vitest';
import { freshdesk } from './index.ts';

function settings(raw: Record<string, unknown>) {
  const problems: string[] = [];
  const parsed = freshdesk.config.schema.parse(raw);
  const s = freshdesk.config.settings(parsed, (path, message) => problems.push(`${path.join('.')}: ${message}`));
  return { s, problems };
}

describe('Freshdesk settings', () => {
  it('builds the account URL from the domain and masks the key, the Basic pair and its base64', () => {
    const { s, problems } = settings({ domain: 'acme', apiKey: '${FD_KEY}' });
    expect(problems).toEqual([]);
    expect(s.baseUrl).toBe('https://acme.freshdesk.com');
    expect(s.rateLimit.perMinute).toBe(200);
    const resolved = { ...s, apiKey: 'k3y' };
    expect(freshdesk.config.secrets(resolved)).toEqual(['k3y', 'k3y:X', Buffer.from('k3y:X').toString('base64')]);
    expect(freshdesk.recordUrl?.(s, '42')).toBe('https://acme.freshdesk.com/a/companies/42');
    expect(freshdesk.ticketUrl?.(s, '7')).toBe('https://acme.freshdesk.com/a/tickets/7');
  });

  it('takes a sandbox baseUrl with or without /api/v2, and refuses a domain that is not a host label', () => {
    expect(settings({ baseUrl: 'http://127.0.0.1:4010/api/v2/', apiKey: '${K}' }).s.baseUrl).toBe(
      'http://127.0.0.1:4010',
    );
    expect(settings({ domain: 'evil.example/x?', apiKey: '${K}' }).problems).toEqual([
      'domain: a domain is letters, digits and dashes: acme for acme.freshdesk.com',
    ]);
    expect(settings({ baseUrl: 'http://fd.example.com', apiKey: '${K}' }).problems[0]).toMatch(/plain http/);
    expect(() => freshdesk.config.schema.parse({ apiKey: '${K}' })).toThrow(/domain or baseUrl/);
    expect(() => freshdesk.config.schema.parse({ domain: 'acme', apiKey: 'literal' })).toThrow(/environment/);
  });

  it('maps a text role field to an email and an agent dropdown to a person id', () => {
    const field = (raw: object) => freshdesk.roleField.mapping(freshdesk.roleField.schema.parse(raw) as never);
    expect(field({ object: 'company', field: 'account_manager' })).toEqual({
      field: 'account_manager',
      value: 'email',
    });
    expect(field({ object: 'company', field: 'csm', value: 'agent_dropdown' })).toEqual({ field: 'csm', value: 'id' });
    expect(() => freshdesk.roleField.schema.parse({ object: 'ticket', field: 'x' })).toThrow();
  });
});
