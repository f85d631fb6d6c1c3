/**
 * The headers every HTML page the system serves carries: no script at all, no framing (no
 * clickjacking), no caching (a page shows a case as it stands), no referrer (a link's signature
 * never leaves in a Referer header), and no content sniffing. Pages style themselves inline.
 */
export const HTML_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; img-src https:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};
