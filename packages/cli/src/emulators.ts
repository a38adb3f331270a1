import { freshdeskEmulator } from '@spoc/freshdesk/emulator';
import { hubspotEmulator } from '@spoc/hubspot/emulator';
import { pipedriveEmulator } from '@spoc/pipedrive/emulator';
import { salesforceEmulator } from '@spoc/salesforce/emulator';
import { zendeskEmulator } from '@spoc/zendesk/emulator';

/** The emulators `spoc sandbox` and `spoc demo` serve, in port order: one line per connector package. */
export const EMULATORS = [
  hubspotEmulator,
  salesforceEmulator,
  zendeskEmulator,
  pipedriveEmulator,
  freshdeskEmulator,
] as const;

/** The id of an emulator this build serves. */
export type EmulatorId = (typeof EMULATORS)[number]['id'];

/** The variables the demo configs read the sandbox's addresses from: SPOC_SANDBOX_<ID> per system. */
export function sandboxEnv(urls: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(urls).map(([id, url]) => [`SPOC_SANDBOX_${id.toUpperCase()}`, url]));
}
