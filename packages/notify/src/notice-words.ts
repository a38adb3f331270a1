// The words both renderers use, so a Slack message and a Teams card say the same thing.
import type { HandoverWhy, NoticePerson, RunAlert, RunProblem } from '@spoc/core';

export function personLabel(person: NoticePerson | null): string {
  if (person === null) return 'nobody';
  return person.name ? `${person.name} (${person.email})` : person.email;
}

const PREVIOUS_STATE: Record<'inactive' | 'unknown' | 'empty', string> = {
  inactive: 'is inactive in',
  unknown: 'is unknown to',
  empty: 'was not set in',
};

export function whyLabel(why: HandoverWhy): string {
  switch (why.kind) {
    case 'decided':
      return `Decided by ${why.system}${why.changedBy ? ` (changed by ${why.changedBy})` : ''}`;
    case 'fallback':
      return `Fallback: the previous POC ${PREVIOUS_STATE[why.previousState]} ${why.system}, so the configured fallback stands in`;
    case 'admin':
      return `Admin ${why.action === 'handover' ? 'handover' : 'settlement'} in the console${why.by ? ` by ${why.by}` : ''}`;
  }
}

const PROBLEMS: Record<RunProblem, string> = {
  failed: 'Run failed',
  refused: 'Run refused by the safety guard',
  'record-failures': 'Record-level failures above the threshold',
  credentials: 'Credentials refused',
  'daily-budget': 'Daily API budget spent',
};

export function alertTitle(alert: RunAlert): string {
  const what = PROBLEMS[alert.problem] + (alert.system ? ` (${alert.system})` : '');
  return alert.state === 'raised' ? `Raised: ${what}` : `Cleared: ${what}`;
}

/** Cuts text to `max` characters (counting UTF-16 units, as both vendors' limits do), ending with `…`. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
