import type { SpocConfig, SystemId } from '@spoc/core';

/** Where an admin opens a record in the vendor's own UI, as the system's definition says (null: no link). */
export function recordUrl(config: SpocConfig, system: SystemId, id: string): string | null {
  const enabled = config.systems[system];
  return enabled?.definition.recordUrl?.(enabled.settings, id) ?? null;
}
