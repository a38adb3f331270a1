import { describe, expect, it } from 'vitest';
import { configMask } from '../log/mask.ts';
import { REDACT_CENSOR } from '../log/redact.ts';
import { memoryRegistry } from '../testing/memory-definitions.ts';
import { memoryWorldYaml } from '../testing/memory-world-config.ts';
import { ConfigError, type ConfigProblem, parseConfig } from './load.ts';

const ENV = {
  T: 'memory-token',
  SLACK_BOT_TOKEN: 'xoxb-slack-secret',
  TEAMS_WEBHOOK_URL: 'https://acme.webhook.office.com/webhookb2/abc/IncomingWebhook/def/ghi',
};

const NOTIFY = `
notify:
  consoleUrl: https://spoc.example.com/
  digestAbove: 5
  alertOnFailuresAbove: 2
  channels:
    - name: sales
      slack: { token: '\${SLACK_BOT_TOKEN}', channel: '#handovers', directMessages: true }
      events: [handover, run]
      roles: [owner]
    - name: cs-teams
      teams: { webhookUrl: '\${TEAMS_WEBHOOK_URL}' }
      events: [handover]
`;

const parse = (notify: string, env: Record<string, string> = ENV) =>
  parseConfig(memoryWorldYaml('/tmp/state.db', notify), '/etc/spoc/spoc.yaml', memoryRegistry(), env);

function problemsOf(notify: string, env: Record<string, string> = ENV): Pick<ConfigProblem, 'path' | 'message'>[] {
  try {
    parse(notify, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => ({ path: p.path, message: p.message }));
  }
  throw new Error('expected the config to be rejected');
}

describe('the notify section', () => {
  it('resolves channels with their secrets, defaults and the console URL without its trailing slash', () => {
    const config = parse(NOTIFY);
    expect(config.notify).toEqual({
      consoleUrl: 'https://spoc.example.com',
      digestAbove: 5,
      alertOnFailuresAbove: 2,
      channels: [
        {
          name: 'sales',
          kind: 'slack',
          events: ['handover', 'run'],
          roles: ['owner'],
          slack: { token: 'xoxb-slack-secret', channel: '#handovers', directMessages: true, apiUrl: undefined },
        },
        {
          name: 'cs-teams',
          kind: 'teams',
          events: ['handover'],
          roles: undefined,
          teams: { webhookUrl: ENV.TEAMS_WEBHOOK_URL },
        },
      ],
    });
  });

  it('defaults to no channel, a digest above 20 handovers and an alert on any failure', () => {
    expect(parse('').notify).toEqual({ consoleUrl: undefined, digestAbove: 20, alertOnFailuresAbove: 0, channels: [] });
    const minimal = parse(
      'notify:\n  channels:\n    - name: ops\n      teams: { webhookUrl: "${TEAMS_WEBHOOK_URL}" }\n',
    );
    expect(minimal.notify.channels[0]).toMatchObject({ events: ['handover', 'run'], roles: undefined });
  });

  it('masks the Slack token and the Teams webhook URL in everything spoc prints', () => {
    const mask = configMask(parse(NOTIFY));
    expect(mask(`auth xoxb-slack-secret to ${ENV.TEAMS_WEBHOOK_URL}`)).toBe(
      `auth ${REDACT_CENSOR} to ${REDACT_CENSOR}`,
    );
  });

  it('rejects an unknown key, at that key', () => {
    expect(problemsOf(NOTIFY.replace('directMessages: true', 'directMessages: true, dm: true'))).toEqual([
      { path: 'notify.channels.0.slack.dm', message: 'unknown key "dm"' },
    ]);
    expect(problemsOf(NOTIFY.replace('digestAbove: 5', 'digestAbove: 5\n  digest: 5'))).toEqual([
      { path: 'notify.digest', message: 'unknown key "digest"' },
    ]);
  });

  it('rejects a channel with both slack and teams, or neither', () => {
    expect(
      problemsOf(
        NOTIFY.replace(
          'events: [handover]\n',
          "events: [handover]\n      slack: { token: '${SLACK_BOT_TOKEN}', channel: '#x' }\n",
        ),
      ),
    ).toEqual([{ path: 'notify.channels.1.teams', message: 'a channel is slack or teams, not both' }]);
    expect(problemsOf('notify:\n  channels:\n    - name: ops\n')).toEqual([
      { path: 'notify.channels.0', message: 'a channel needs slack: or teams:' },
    ]);
  });

  it('rejects a role that is not configured, and a channel name used twice or badly spelt', () => {
    expect(problemsOf(NOTIFY.replace('roles: [owner]', 'roles: [owner, account_manager]'))).toEqual([
      { path: 'notify.channels.0.roles.1', message: 'account_manager is not a configured role (roles: owner)' },
    ]);
    expect(problemsOf(NOTIFY.replace('name: cs-teams', 'name: sales'))).toEqual([
      { path: 'notify.channels.1.name', message: 'another channel is named sales' },
    ]);
    expect(problemsOf(NOTIFY.replace('name: cs-teams', 'name: CS Teams'))).toEqual([
      { path: 'notify.channels.1.name', message: 'a channel name is lower-case letters, digits and dashes' },
    ]);
  });

  it('rejects a literal token or webhook URL: secrets only as ${VAR} or ${file:…}', () => {
    const secretOnly = 'secrets must come from the environment (${VAR}) or a file (${file:/path}), not literal text';
    expect(problemsOf(NOTIFY.replace("'${SLACK_BOT_TOKEN}'", 'xoxb-1234'))).toEqual([
      { path: 'notify.channels.0.slack.token', message: secretOnly },
    ]);
    expect(problemsOf(NOTIFY.replace("'${TEAMS_WEBHOOK_URL}'", 'https://acme.webhook.office.com/x'))).toEqual([
      { path: 'notify.channels.1.teams.webhookUrl', message: secretOnly },
    ]);
  });

  it('rejects an unset variable, and a webhook or API URL that would send its credential in clear', () => {
    expect(problemsOf(NOTIFY, { T: 't', TEAMS_WEBHOOK_URL: ENV.TEAMS_WEBHOOK_URL })).toEqual([
      { path: 'notify.channels.0.slack.token', message: 'environment variable SLACK_BOT_TOKEN is not set' },
    ]);
    expect(problemsOf(NOTIFY, { ...ENV, TEAMS_WEBHOOK_URL: 'http://teams.example.com/hook' })).toEqual([
      {
        path: 'notify.channels.1.teams.webhookUrl',
        message: 'plain http to teams.example.com would send the credentials in clear: use https',
      },
    ]);
    // The sandbox's Slack on loopback is fine.
    const sandbox = parse(
      NOTIFY.replace('directMessages: true', "directMessages: true, apiUrl: 'http://127.0.0.1:4010/api/'"),
    );
    expect(sandbox.notify.channels[0]).toMatchObject({ slack: { apiUrl: 'http://127.0.0.1:4010/api/' } });
  });

  it('rejects a negative threshold and an unknown event', () => {
    expect(problemsOf(NOTIFY.replace('digestAbove: 5', 'digestAbove: -1'))).toEqual([
      { path: 'notify.digestAbove', message: 'digestAbove cannot be negative' },
    ]);
    expect(problemsOf(NOTIFY.replace('events: [handover]\n', 'events: [handovers]\n'))).toEqual([
      { path: 'notify.channels.1.events.0', message: 'an event is handover or run' },
    ]);
  });
});
