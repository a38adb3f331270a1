// @spoc/notify: the Slack and Microsoft Teams channels that deliver spoc's notices
// (issue 20), their renderers and the escapers that keep CRM names from being markup.
// The emulators for the sandbox are at `@spoc/notify/emulator`.

export { escapeCardMarkdown, escapeTextRun, unescapeCardMarkdown, unescapeTextRun } from './card-text.ts';
export type { SlackChannelOptions } from './slack-channel.ts';
export { createSlackChannel } from './slack-channel.ts';
export type { SlackBlock, SlackMessage } from './slack-message.ts';
export { SLACK_LIMITS, slackMessage } from './slack-message.ts';
export { escapeLinkLabel, escapeMrkdwn, escapeSlackControl, slackLink, unescapeMrkdwn } from './slack-text.ts';
export type { AdaptiveCard, CardElement, TeamsMessage } from './teams-card.ts';
export { TEAMS_LIMITS, teamsCard } from './teams-card.ts';
export type { TeamsChannelOptions } from './teams-channel.ts';
export { createTeamsChannel } from './teams-channel.ts';
