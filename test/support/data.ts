import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Real CPSC data, copied unchanged into the fixtures. */
export const CPSC_DATA = fileURLToPath(new URL('../fixtures/cpsc/', import.meta.url));

export function cpscRecords(file = 'recalls-api-sample-9.json'): Record<string, unknown>[] {
  return JSON.parse(readFileSync(`${CPSC_DATA}${file}`, 'utf8')) as Record<string, unknown>[];
}

export function linkIn(text: string | undefined): string {
  const match = /Answer this notice: (\S+)/.exec(text ?? '');
  if (!match) throw new Error(`no response link in: ${text}`);
  return match[1]!;
}

export function form(fields: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() };
}
