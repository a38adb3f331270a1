import { parseDocument } from 'yaml';
import { FIVE_SYSTEM_PLANS } from './model.ts';

export interface FiveSystemConfig {
  /** config/spoc.demo-all.yaml without cascades, Pipedrive and Freshdesk paced at FIVE_SYSTEM_PLANS. */
  text: string;
  /** Per system, the roles whose field there is a dropdown of agents (Freshdesk reads its choices before writing one). */
  dropdownRoles: Record<string, string[]>;
}

/**
 * The five-system benchmark's config from the demo's: cascades off, as in the three-system
 * run (the model counts the sync itself, not the follow-ups whose cost depends on contacts
 * and tickets), and the connectors' rates set to the plans the emulators are seeded with.
 */
export function fiveSystemConfig(demoAll: string): FiveSystemConfig {
  const doc = parseDocument(demoAll);
  const roles = doc.toJS().roles as Record<string, { fields: Record<string, { value?: string }> }>;
  const dropdownRoles: Record<string, string[]> = {};
  for (const [name, role] of Object.entries(roles)) {
    doc.deleteIn(['roles', name, 'cascade']);
    for (const [system, field] of Object.entries(role.fields))
      if (field.value === 'agent_dropdown') dropdownRoles[system] = [...(dropdownRoles[system] ?? []), name];
  }
  for (const system of ['pipedrive', 'freshdesk'])
    if (!doc.hasIn(['systems', system])) throw new Error(`config/spoc.demo-all.yaml has no systems.${system}`);
  doc.setIn(['systems', 'pipedrive', 'rateLimit'], { perTwoSeconds: FIVE_SYSTEM_PLANS.pipedrive.perTwoSeconds });
  doc.setIn(['systems', 'freshdesk', 'rateLimit'], { perMinute: FIVE_SYSTEM_PLANS.freshdesk.perMinute });
  return { text: doc.toString(), dropdownRoles };
}

/** What the five-system figures mean, printed with them and kept in results-five.json. */
export function fiveSystemNotes(): string[] {
  return [
    'Pipedrive and Freshdesk have no bulk update: one call (PATCH organization, PUT company) per changed record, its roles merged; their minimum counts records written, not role changes.',
    `Pipedrive runs on ${FIVE_SYSTEM_PLANS.pipedrive.plan}: the emulator's burstLimit and the connector's rateLimit.perTwoSeconds both ${FIVE_SYSTEM_PLANS.pipedrive.perTwoSeconds} (default 20).`,
    `Freshdesk runs at ${FIVE_SYSTEM_PLANS.freshdesk.plan}: the emulator's rateLimitPerMinute and the connector's rateLimit.perMinute both ${FIVE_SYSTEM_PLANS.freshdesk.perMinute} (default 200), over Freshdesk's own 60 s window; no plan sells it, so Freshdesk's time at Enterprise is about ten times its rate bound here.`,
    'HubSpot, Salesforce and Zendesk run at their default limits, as in the three-system run; every rate bound is computed at the rates the run used.',
    'Freshdesk reads every company on every run (no update filter): its settle, no-change and 1 % runs are full reads.',
  ];
}
