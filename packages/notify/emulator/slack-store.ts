import type { SeedWorld } from '@spoc/sandbox/kit';

/** The Slack emulator's part of a seed: a workspace's users and channels. */
export interface SlackSeed {
  users: { id: string; email: string; name: string; realName: string; deleted: boolean }[];
  channels: { id: string; name: string }[];
}

export interface SlackMessageRecord {
  type: 'message';
  ts: string;
  user: string;
  bot_id: string;
  text: string;
  blocks?: unknown[];
}

export const TEAM_ID = 'T0SANDBOX';
export const BOT_USER_ID = 'U0SPOCBOT';
export const BOT_ID = 'B0SPOCBOT';
export const HANDOVERS_CHANNEL = { id: 'C0HANDOVERS', name: 'handovers' };
export const ALERTS_CHANNEL = { id: 'C0SPOCALERTS', name: 'spoc-alerts' };

/** One Slack user per person of the world (same emails; people who left are deactivated), and two channels. */
export function slackSeedFrom(world: SeedWorld): SlackSeed {
  return {
    users: world.people.map((p) => ({
      id: `U${String(p.index + 1).padStart(8, '0')}`,
      email: p.email,
      name: `${p.firstName}.${p.lastName}`.toLowerCase(),
      realName: `${p.firstName} ${p.lastName}`,
      deleted: p.inactive,
    })),
    channels: [HANDOVERS_CHANNEL, ALERTS_CHANNEL],
  };
}

/** A workspace: users, channels, the direct-message conversations opened, and every message per conversation. */
export class SlackStore {
  private readonly seed: SlackSeed;
  users = new Map<string, SlackSeed['users'][number]>();
  private byEmail = new Map<string, string>();
  private channels = new Map<string, { id: string; name: string }>();
  private dms = new Map<string, string>();
  messages = new Map<string, SlackMessageRecord[]>();
  private lastMicros = 0;

  constructor(seed: SlackSeed | undefined) {
    this.seed = seed ?? { users: [], channels: [HANDOVERS_CHANNEL, ALERTS_CHANNEL] };
    this.reset();
  }

  reset(): void {
    this.users = new Map(this.seed.users.map((u) => [u.id, { ...u }]));
    this.byEmail = new Map(this.seed.users.map((u) => [u.email.toLowerCase(), u.id]));
    this.channels = new Map(this.seed.channels.map((c) => [c.id, { ...c }]));
    this.dms = new Map();
    this.messages = new Map();
    this.lastMicros = 0;
  }

  userByEmail(email: string) {
    const id = this.byEmail.get(email.trim().toLowerCase());
    return id === undefined ? undefined : this.users.get(id);
  }

  /** A conversation id from an id (C…, D…) or a channel name with or without `#`. */
  resolve(channel: string): string | undefined {
    if (this.channels.has(channel) || this.messages.has(channel) || [...this.dms.values()].includes(channel))
      return channel;
    const name = channel.replace(/^#/, '');
    for (const c of this.channels.values()) if (c.name === name) return c.id;
    return undefined;
  }

  /** The user's direct-message conversation, opened on first use (the same id every time). */
  openDm(userId: string): { id: string; alreadyOpen: boolean } {
    const known = this.dms.get(userId);
    if (known) return { id: known, alreadyOpen: true };
    const id = `D${userId.slice(1)}`;
    this.dms.set(userId, id);
    return { id, alreadyOpen: false };
  }

  /** Slack's `ts`: epoch seconds with six digits of microseconds, unique and increasing per workspace. */
  nextTs(nowMs: number): string {
    this.lastMicros = Math.max(nowMs * 1000, this.lastMicros + 1);
    const micros = this.lastMicros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  post(conversation: string, message: SlackMessageRecord): void {
    const list = this.messages.get(conversation) ?? [];
    list.push(message);
    this.messages.set(conversation, list);
  }
}
