import { createRegistry } from '@spoc/core';
import { freshdesk } from '@spoc/freshdesk';
import { hubspot } from '@spoc/hubspot';
import { pipedrive } from '@spoc/pipedrive';
import { salesforce } from '@spoc/salesforce';
import { zendesk } from '@spoc/zendesk';

/** The systems this build of spoc talks to: one line per connector package. */
export const REGISTRY = createRegistry([hubspot, salesforce, zendesk, pipedrive, freshdesk]);
