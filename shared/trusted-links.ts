/** The hosts whose recall pages and images are shown as links and images by default: the agency's own. */
export const DEFAULT_TRUSTED_HOSTS: readonly string[] = ['www.cpsc.gov', 'cpsc.gov'];

/**
 * A URL from the feed, if it may be shown as a link or an image: https, on one of the trusted
 * hosts (no credentials, no other port). Anything else is data: shown as plain text, never
 * labelled as the agency's.
 */
export function trustedUrl(value: string, hosts: readonly string[]): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const trusted = url.protocol === 'https:' && !url.username && !url.password && !url.port && hosts.includes(url.hostname.toLowerCase());
  return trusted ? url : undefined;
}

/** How a recall's own page is named beside its link: by the host it is really on. */
export function recallPageLabel(url: URL): string {
  return `The recall notice on ${url.hostname.replace(/^www\./, '')}`;
}
