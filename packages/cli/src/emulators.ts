import { freshdeskEmulator } from '@spoc/freshdesk/emulator';
import { hubspotEmulator } from '@spoc/hubspot/emulator';
import { slackEmulator, teamsEmulator, teamsWebhookUrl } from '@spoc/notify/emulator';
import { pipedriveEmulator } from '@spoc/pipedrive/emulator';
import { salesforceEmulator } from '@spoc/salesforce/emulator';
import { zendeskEmulator } from '@spoc/zendesk/emulator';

/**
 * The emulators `spoc sandbox` and `spoc demo` serve, in port order: one line per
 * connector package, then the chat tools notices go to.
 */
export const EMULATORS = [
  hubspotEmulator,
  salesforceEmulator,
  zendeskEmulator,
  pipedriveEmulator,
  freshdeskEmulator,
  slackEmulator,
  teamsEmulator,
] as const;

/** The id of an emulator this build serves. */
export type EmulatorId = (typeof EMULATORS)[number]['id'];
/** The emulators of the systems spoc syncs (not the chat tools notices go to). */
export type SystemEmulatorId = Exclude<EmulatorId, 'slack' | 'teams'>;

/**
 * The variables the demo configs read the sandbox from: SPOC_SANDBOX_<ID> per emulator,
 * and for the chat tools a bot token Slack's emulator takes and the Teams webhook URL
 * (both secrets in a config, so they come from the environment).
 */
export function sandboxEnv(urls: Readonly<Record<string, string>>): Record<string, string> {
  const env = Object.fromEntries(Object.entries(urls).map(([id, url]) => [`SPOC_SANDBOX_${id.toUpperCase()}`, url]));
  if (urls.slack) env.SPOC_SANDBOX_SLACK_TOKEN = 'xoxb-sandbox';
  if (urls.teams) env.SPOC_SANDBOX_TEAMS_WEBHOOK = teamsWebhookUrl(urls.teams);
  return env;
}
