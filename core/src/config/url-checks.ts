import type { RawConfig } from './schema.ts';
import type { Path } from './yaml-source.ts';

/**
 * Every vendor URL (after `${VAR}` resolution) is an absolute http(s) URL, and plain http
 * only reaches loopback unless the system allows it: the bearer token and the owner data
 * would otherwise cross the network in clear. `skip` holds the paths whose value could not
 * be resolved (unset, or offline), which cannot be checked.
 */
export function urlProblems(raw: RawConfig, skip: (path: Path) => boolean = () => false): [Path, string][] {
  const problems: [Path, string][] = [];
  const check = (path: Path, value: string | undefined, allowInsecureHttp: boolean) => {
    if (value === undefined || skip(path)) return;
    const problem = urlProblem(value, allowInsecureHttp);
    if (problem) problems.push([path, problem]);
  };
  const { hubspot, salesforce, zendesk } = raw.systems;
  if (hubspot) check(['systems', 'hubspot', 'baseUrl'], hubspot.baseUrl, hubspot.allowInsecureHttp);
  if (salesforce) {
    check(['systems', 'salesforce', 'instanceUrl'], salesforce.instanceUrl, salesforce.allowInsecureHttp);
    check(['systems', 'salesforce', 'loginUrl'], salesforce.loginUrl, salesforce.allowInsecureHttp);
  }
  if (zendesk) {
    check(['systems', 'zendesk', 'baseUrl'], zendesk.baseUrl, zendesk.allowInsecureHttp);
    // The subdomain becomes a host name: `evil.example/x?` would send the token elsewhere.
    const path: Path = ['systems', 'zendesk', 'subdomain'];
    if (zendesk.subdomain !== undefined && !skip(path) && !SUBDOMAIN.test(zendesk.subdomain))
      problems.push([path, 'a subdomain is letters, digits and dashes: acme for acme.zendesk.com']);
  }
  return problems;
}

const SUBDOMAIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** What is wrong with a vendor URL, or undefined when it may be used. */
function urlProblem(value: string, allowInsecureHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL (such as https://host/path)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be an http(s) URL, not ${url.protocol}`;
  if (url.username !== '' || url.password !== '')
    return 'must not hold a user name or password (credentials belong in the secret keys)';
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopback(url.hostname))
    return `plain http to ${url.hostname} would send the credentials in clear: use https, or set allowInsecureHttp: true on this system`;
  return undefined;
}

/** 127.0.0.0/8, ::1 and localhost (the URL parser has already normalised the spelling). */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
