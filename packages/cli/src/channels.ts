import type { NoticeChannel, SpocConfig } from '@spoc/core';
import { createSlackChannel, createTeamsChannel } from '@spoc/notify';
import type { Logger } from 'pino';

/** One delivering channel per `notify.channels` entry (built without a call: Slack is asked only when a notice goes). */
export function createChannels(config: SpocConfig, logger: Logger): NoticeChannel[] {
  return config.notify.channels.map((channel) => {
    if (channel.kind === 'slack') {
      const { token, channel: target, directMessages, apiUrl } = channel.slack;
      return createSlackChannel({
        name: channel.name,
        token,
        channel: target,
        directMessages,
        logger,
        ...(apiUrl ? { apiUrl } : {}),
      });
    }
    return createTeamsChannel({ name: channel.name, webhookUrl: channel.teams.webhookUrl, logger });
  });
}
