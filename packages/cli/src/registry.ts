import { createRegistry } from '@spoc/core';
import { hubspot } from '@spoc/hubspot';
import { salesforce } from '@spoc/salesforce';
import { zendesk } from '@spoc/zendesk';

/** The systems this build of spoc talks to: one line per connector package. */
export const REGISTRY = createRegistry([hubspot, salesforce, zendesk]);
