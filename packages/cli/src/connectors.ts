import type { CascadeKind, Connector, ConnectorContext, RoleFieldMapping, SpocConfig, SystemId } from '@spoc/core';
import type { Logger } from 'pino';

/** One connector per enabled system, built by its definition, each told only its own fields. */
export function createConnectors(config: SpocConfig, logger: Logger): Promise<Connector[]> {
  return Promise.all(
    config.enabledSystems.map((id) => {
      const system = config.systems[id];
      if (!system) throw new Error(`no settings for ${id}`);
      return system.definition.create(system.settings, contextFor(config, id, logger));
    }),
  );
}

function contextFor(config: SpocConfig, system: SystemId, logger: Logger): ConnectorContext {
  const roles: Record<string, RoleFieldMapping> = {};
  const cascades = new Set<CascadeKind>();
  for (const role of config.roles) {
    const field = role.fields[system];
    if (!field) continue;
    roles[role.name] = field;
    if (role.cascade.contacts) cascades.add('contacts');
    if (role.cascade.openTickets) cascades.add('openTickets');
  }
  const able = config.systems[system]?.definition.capabilities.cascades ?? [];
  const xrefFields = [
    ...new Set(
      config.link.flatMap((rule) => (rule.kind === 'xref' && rule.fields[system] ? [rule.fields[system]] : [])),
    ),
  ];
  return {
    logger: logger.child({ system }),
    roles,
    xrefFields,
    cascades: [...cascades].filter((k) => able.includes(k)),
  };
}
