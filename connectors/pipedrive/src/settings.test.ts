import { describe, expect, it } from 'vitest';
import { pipedrive } from './index.ts';

const settingsOf = (raw: Record<string, unknown>) => {
  const problems: string[] = [];
  const parsed = pipedrive.config.schema.parse(raw);
  const settings = pipedrive.config.settings(parsed, (path, message) => problems.push(`${path.join('.')}: ${message}`));
  return { settings, problems };
};

describe('pipedrive settings', () => {
  it('builds the company URL from companyDomain, masks the token and links records in the UI', () => {
    const { settings, problems } = settingsOf({ apiToken: '${PD_TOKEN}', companyDomain: 'acme' });
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      apiToken: '${PD_TOKEN}',
      baseUrl: 'https://acme.pipedrive.com',
      companyDomain: 'acme',
      rateLimit: { perTwoSeconds: 20 },
    });
    expect(pipedrive.config.secrets(settings)).toEqual(['${PD_TOKEN}']);
    expect(pipedrive.recordUrl?.(settings, '42')).toBe('https://acme.pipedrive.com/organization/42');
  });

  it('refuses a company domain that would send the token elsewhere, a literal token, and plain http off loopback', () => {
    expect(settingsOf({ apiToken: '${T}', companyDomain: 'evil.example/x?' }).problems).toEqual([
      'companyDomain: a company domain is letters, digits and dashes: acme for acme.pipedrive.com',
    ]);
    expect(() => pipedrive.config.schema.parse({ apiToken: 'abc123', companyDomain: 'acme' })).toThrow(
      /secrets must come/,
    );
    expect(settingsOf({ apiToken: '${T}', baseUrl: 'http://crm.example.com' }).problems).toHaveLength(1);
  });

  it('takes a sandbox or pasted API base and keeps only the root', () => {
    const { settings } = settingsOf({ apiToken: '${T}', baseUrl: 'http://127.0.0.1:4010/api/v2/' });
    expect(settings.baseUrl).toBe('http://127.0.0.1:4010');
    expect(pipedrive.recordUrl?.(settings, '42')).toBeNull();
  });
});
