/** Where in a recall record an identifier was found, and the words around it. */
export interface Found {
  value: string;
  /** The record's field, in words: "description", "title", "image caption 2", "UPC list"... */
  field: string;
  /** The words around it, as the record prints them (about 100 characters; a sale's, about 300). */
  context: string;
}

/** One field of the record, as it is scanned. */
export interface Field {
  name: string;
  text: string;
}

/** No identifier is longer: a "model" that is a sentence is not one. */
export const MAX_IDENTIFIER = 40;
/** A field is read up to this length: a 100 KB description costs no more than this. */
export const MAX_FIELD = 20_000;
/** At most this many of each kind are kept for one record. */
export const MAX_PER_KIND = 200;

const CONTEXT = 45;

/** The words around `[start, end)` of the field's text, cut at word boundaries. */
export function contextOf(text: string, start: number, end: number, width = CONTEXT): string {
  let from = Math.max(0, start - width);
  let to = Math.min(text.length, end + width);
  if (from > 0) from = text.indexOf(' ', from) + 1 || from;
  if (to < text.length) to = text.lastIndexOf(' ', to) > end ? text.lastIndexOf(' ', to) : to;
  return `${from > 0 ? '…' : ''}${text.slice(from, to).trim()}${to < text.length ? '…' : ''}`;
}

export function found(field: Field, value: string, start: number, end = start + value.length, width = CONTEXT): Found {
  return { value, field: field.name, context: contextOf(field.text, start, end, width) };
}

/** Markup, control and format characters (bidi overrides, zero-width spaces) are dropped: an identifier is plain text. */
export function plain(text: string): string {
  return text
    .slice(0, MAX_FIELD)
    .replace(/<[^<>]{0,200}>/g, ' ')
    .replace(/\p{Cc}|\p{Cf}|[\u2028\u2029<>]/gu, ' ');
}

/** The key two spellings of one identifier share: case, spaces and marks ignored. */
export function keyOf(value: string): string {
  return value.toLowerCase().replace(/[\s™®©]/g, '');
}

/** Keeps the first of each identifier (by key), at most MAX_PER_KIND, none over MAX_IDENTIFIER. */
export function uniqueFound(items: Found[]): Found[] {
  const seen = new Set<string>();
  const kept: Found[] = [];
  for (const item of items) {
    const key = keyOf(item.value);
    if (!key || item.value.length > MAX_IDENTIFIER || seen.has(key)) continue;
    seen.add(key);
    kept.push(item);
    if (kept.length >= MAX_PER_KIND) break;
  }
  return kept;
}

/** Quotes as CPSC prints them: straight and curly. */
export const QUOTES = `"“”`;
