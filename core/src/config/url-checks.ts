/**
 * Every vendor URL (after `${VAR}` resolution) is an absolute http(s) URL, and plain http
 * only reaches loopback unless the system allows it: the bearer token and the owner data
 * would otherwise cross the network in clear. Connector definitions check their URLs
 * with it when they build their settings.
 */
/** What is wrong with a vendor URL, or undefined when it may be used. */
export function urlProblem(value: string, allowInsecureHttp: boolean): string | undefined {
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

const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * A vendor's account name that becomes part of a host name (acme in acme.zendesk.com):
 * one DNS label, or `evil.example/x?` would send the token elsewhere. Null when sound.
 */
export function hostLabelProblem(value: string, name: string, example: string): string | null {
  return HOST_LABEL.test(value) ? null : `a ${name} is letters, digits and dashes: ${example}`;
}
