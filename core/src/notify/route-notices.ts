import type { NotifyChannelConfig, NotifyConfig } from '../config/types.ts';
import type { HandoverNotice, NoticePerson, OutgoingNotice, RunAlert } from './notice.ts';

/**
 * Where each notice goes, and its outbox key. A key names the change and the destination
 * (`handover:<run>:<account>:<role>:<channel>[:<recipient>]`), so queueing the same
 * notice again never duplicates it. A channel takes the events and roles it asks for;
 * above `digestAbove` handovers it gets one digest instead, and so does a person for
 * their direct messages.
 */
export function handoverNotices(
  runId: string,
  handovers: readonly HandoverNotice[],
  notify: NotifyConfig,
): OutgoingNotice[] {
  const runUrl = runUrlOf(notify, runId);
  const linked = runUrl ? handovers.map((h) => ({ ...h, runUrl })) : handovers;
  const out: OutgoingNotice[] = [];
  for (const channel of notify.channels) {
    if (!channel.events.includes('handover')) continue;
    const mine = linked.filter((h) => channel.roles === undefined || channel.roles.includes(h.role));
    if (mine.length === 0) continue;
    out.push(...toDestination(runId, runUrl, mine, notify.digestAbove, channel.name));
    if (channel.kind !== 'slack' || !channel.slack.directMessages) continue;
    // Each person hears of the handovers they take and those they hand over.
    const people = new Map<string, { person: NoticePerson; handovers: HandoverNotice[] }>();
    for (const h of mine) {
      for (const person of [h.next, h.previous]) {
        if (!person) continue;
        const entry = people.get(person.email) ?? { person, handovers: [] };
        if (!entry.handovers.includes(h)) entry.handovers.push(h);
        people.set(person.email, entry);
      }
    }
    for (const { person, handovers: theirs } of people.values())
      out.push(...toDestination(runId, runUrl, theirs, notify.digestAbove, channel.name, person));
  }
  return out;
}

function toDestination(
  runId: string,
  runUrl: string | undefined,
  handovers: readonly HandoverNotice[],
  digestAbove: number,
  channel: string,
  recipient?: NoticePerson,
): OutgoingNotice[] {
  const to = recipient ? { channel, recipient } : { channel };
  const tail = recipient ? `:${recipient.email}` : '';
  if (handovers.length > digestAbove) {
    return [
      {
        key: `digest:${runId}:${channel}${tail}`,
        ...to,
        notice: { kind: 'digest', runId, ...(runUrl ? { runUrl } : {}), handovers: [...handovers] },
      },
    ];
  }
  return handovers.map((h) => ({
    key: `handover:${runId}:${h.account}:${h.role}:${channel}${tail}`,
    ...to,
    notice: h,
  }));
}

/** A run alert to every channel that takes run events. */
export function alertNotices(alert: RunAlert, channels: readonly NotifyChannelConfig[]): OutgoingNotice[] {
  return channels
    .filter((c) => c.events.includes('run'))
    .map((c) => ({
      key: `run:${alert.runId}:${alert.problem}:${alert.system ?? ''}:${alert.state}:${c.name}`,
      channel: c.name,
      notice: alert,
    }));
}

/** The console's page of a run, when the console's address is configured. */
export function runUrlOf(notify: Pick<NotifyConfig, 'consoleUrl'>, runId: string): string | undefined {
  return notify.consoleUrl === undefined ? undefined : `${notify.consoleUrl}/runs/${encodeURIComponent(runId)}`;
}
