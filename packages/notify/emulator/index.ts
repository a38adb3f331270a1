// @spoc/notify/emulator: the Slack Web API and a Teams webhook receiver, for the sandbox.

export { SLACK_BEHAVIOURS, slackApiUrl, slackEmulator } from './slack.ts';
export type { SlackSeed } from './slack-store.ts';
export { ALERTS_CHANNEL, HANDOVERS_CHANNEL, slackSeedFrom } from './slack-store.ts';
export type { TeamsReceived } from './teams.ts';
export { teamsEmulator, teamsWebhookUrl } from './teams.ts';
