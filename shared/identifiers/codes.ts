import { found, QUOTES, type Field, type Found } from './text.ts';

/** Whether a GTIN (UPC-A, EAN-13, EAN-8, GTIN-14) has a valid check digit. */
export function validGtin(code: string): boolean {
  const digits = code.replace(/[\s-]/g, '');
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(digits)) return false;
  const body = [...digits.slice(0, -1)].reverse().map(Number);
  const sum = body.reduce((total, digit, i) => total + digit * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === Number(digits.at(-1));
}

/** Codes found in a record's fields, by kind. */
export interface Codes {
  models: Found[];
  modelPatterns: Found[];
  lots: Found[];
  upcs: Found[];
  asins: Found[];
}

interface Span {
  value: string;
  start: number;
  end: number;
}

// A code: letters and digits, joined by dots, dashes, slashes and underscores; `*` marks a pattern.
const TOKEN = /[A-Za-z0-9](?:[A-Za-z0-9./_*-]{0,58}[A-Za-z0-9*])?/y;
const UNIT =
  /^\s*(?:inch|inches|in\b|in\.|"|”|′|″|oz|ounces?|fl\b|ml|mm|cm|m\b|meters?|lbs?|pounds?|kg|g\b|grams?|feet|foot|ft|volts?|v\b|watts?|w\b|mah|amps?|gallons?|quarts?|liters?|l\b|pieces?|pcs|pack|count|months?|years?|yrs?|days?|hours?|%|percent|degrees?|°|x\b|by\b|wide|tall|long|high)/i;
const MODEL_LABEL =
  /\b(?:(?:model|item|style|sku|part|catalog(?:ue)?|article|reference|mo\.)s?\.?(?:\s*(?:numbers?|nos?\.?|#|codes?|names?\s*(?:and|&)\s*numbers?))?|product\s+(?:numbers?|codes?|#|nos?\.?|identifiers?)|unit\s+types?)(?![A-Za-z])/giu;
const LOT_LABEL =
  /\b(?:lot|batch|date|production|manufactur(?:e|ing)(?:\s+date)?|serial|series|born\s+on|best\s+by|expiration|expiry)(?:\s*\/\s*date)?\s*(?:numbers?|nos?\.?|codes?|#|range|ranges)?s?(?:\s+ranges?)?(?![A-Za-z])/giu;
const UPC_LABEL = /\b(?:upc|ean|gtin|barcode)s?(?:\s*(?:numbers?|codes?|#|nos?\.?))?(?![A-Za-z])/giu;
const SEPARATOR = /\s*(?:,\s*(?:and|or|&)?|;|\/|&|\band\b|\bor\b|\((?=\s*[A-Za-z0-9][^)\s]{1,38}\s*\)))\s*/y;
const RANGE = /\s*(?:through|thru|to|–|—|\s-\s)\s*/y;
const PREFIX = /\s*(?:(?:that\s+)?(?:begin|beginning|begins|start|starting|starts)\s+with|prefixed\s+(?:with|by))\s*/iy;
const SKIP = new RegExp(`[\\s:#,()${QUOTES}]*`, 'y');
// Words that print a code on the product: "labeled VT03", "imprinted with AB-12".
const PRINTED_AS = /\b(?:labeled|labelled|imprinted|marked|stamped|engraved|embossed)\s+(?:with\s+)?(?:the\s+)?(?:(?:code|number|text|word)s?\s+)?/giu;
// "Serial Number/Size": a column of the product's references, one per variant, not of units.
const SERIAL_AS_MODEL = /\bserial\s+numbers?\s*\/\s*(?:size|name|model|style)s?\b/giu;
// "53101-201 (1.5L ENFINIGY Electric Kettle); 53101-500": words about a code, between it and the next.
const ASIDE = /\s*\((?!\s*[A-Za-z0-9][^)\s]{1,38}\s*\))[^()]{1,80}\)/y;
// "The affected model numbers are 4155, 4155L": the verb between a label and its list.
const INTRO = /(?:are|is|include[sd]?|including)\s*:?\s+/iy;
const SENTENCE_END = /[.!?]["”]?(?:\s+|(?=[A-Z][a-z]))(?=[A-Z][a-z]|["“])/g;

function tokenAt(text: string, at: number): Span | undefined {
  TOKEN.lastIndex = at;
  const match = TOKEN.exec(text);
  return match ? { value: match[0], start: at, end: at + match[0].length } : undefined;
}

/** A quoted code with a space in it, right after its label: model number "C0001-NB 130-LCUS". */
function quotedAt(text: string, at: number): Span | undefined {
  if (!QUOTES.includes(text[at - 1] ?? '')) return undefined;
  const match = new RegExp(`([A-Z0-9][A-Z0-9./_-]{1,18} [A-Z0-9][A-Z0-9./_-]{1,18})[${QUOTES}]`, 'y');
  match.lastIndex = at;
  const value = match.exec(text)?.[1];
  return value && /\d/.test(value) ? { value, start: at, end: at + value.length } : undefined;
}

function stickyEnd(pattern: RegExp, text: string, at: number): number | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text) ? pattern.lastIndex : undefined;
}

/** Whether a token is a code: a digit in it, no measure, price, date or phone number. */
function isCode(text: string, span: Span, labelled: boolean): boolean {
  const v = span.value;
  if (v.length < 2 || !/\d/.test(v) || /^\d{3}-\d{3}-\d{4}$/.test(v)) return false;
  if (text[span.start - 1] === '$') return false;
  // A number before a unit is a measure; a quote after it closes one before it, or means inches.
  const quoted = QUOTES.includes(text[span.start - 1] ?? ' ');
  const after = text.slice(span.end, span.end + 12);
  if (/^[\d.]+$/.test(v) && UNIT.test(quoted ? after.replace(/^["”]/, '') : after)) return false;
  if (/^\d{1,2}\/\d{1,2}(\/\d{2,4})?$|^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  if (/^\d+(?:\.\d+)?-[a-z]+$|^\d+x\d+$/i.test(v) && !/^\d+-[A-Z]+$/.test(v)) return false;
  // Registered identification numbers name a firm, not a product.
  if (/^(?:RN|CA)#?\d{5,6}$/i.test(v)) return false;
  if (labelled) return true;
  if (/^\d+(?:\.\d+)?(?:v|w|mah|ah|oz|ml|mm|cm|in|ft|lbs?|kg|g|l|pc|pcs|pk|ct)$/i.test(v)) return false;
  if (/^\d+$/.test(v)) return v.length >= 4 && !/^(19|20)\d\d$/.test(v) && !validGtin(v);
  return /[A-Za-z]/.test(v) && !/^\d{1,2}(T|M|Y|XL|XS|S|L)$/i.test(v) && !/^\d+(st|nd|rd|th|s)$/i.test(v);
}

/** How sure a list is of its codes: after a label ("model"), or after words that print them ("labeled VT03"). */
type Certainty = 'labelled' | 'printed';

/** A prefix ("beginning with PB, AH or AE") is letters alone; a labelled code stands alone after its label ("model number, WYZESCPWH,"). */
function listed(text: string, token: Span, certainty: Certainty, prefixing: boolean): boolean {
  // "Rental model 2016 2017": production years, not models.
  if (/^(?:199\d|20[0-3]\d)$/.test(token.value) && /^\s+(?:199\d|20[0-3]\d)\b/.test(text.slice(token.end, token.end + 6))) return false;
  if (prefixing && /^[A-Z]{1,6}$/.test(token.value)) return true;
  if (certainty === 'labelled' && /^[A-Z]{5,}$/.test(token.value) && /^[,.;)"”]/.test(text.slice(token.end, token.end + 1))) return true;
  return isCode(text, token, certainty === 'labelled');
}

/** A list of codes after a label: "models 2512, 2513, and 2516", "model 8266 (ZH998-22)", ranges and prefixes kept as patterns. */
function listAfter(text: string, at: number, certainty: Certainty = 'labelled'): { codes: Span[]; patterns: Span[] } {
  const codes: Span[] = [];
  const patterns: Span[] = [];
  let pos = stickyEnd(SKIP, text, at) ?? at;
  pos = stickyEnd(INTRO, text, pos) ?? pos;
  let prefixing = false;
  for (let n = 0; n < 400; n++) {
    const prefixEnd = stickyEnd(PREFIX, text, pos);
    prefixing ||= prefixEnd !== undefined;
    const start = prefixEnd !== undefined ? (stickyEnd(SKIP, text, prefixEnd) ?? prefixEnd) : pos;
    const token = quotedAt(text, start) ?? tokenAt(text, start);
    if (!token || !listed(text, token, certainty, prefixing) || /^\s+(?:model|style|item)\b/i.test(text.slice(token.end, token.end + 8))) break;
    const rangeEnd = prefixing ? undefined : stickyEnd(RANGE, text, token.end);
    const upper = rangeEnd !== undefined ? tokenAt(text, rangeEnd) : undefined;
    if (upper && isCode(text, upper, true)) {
      patterns.push({ value: `${token.value} through ${upper.value}`, start: token.start, end: upper.end });
      pos = upper.end;
    } else {
      (prefixing || token.value.endsWith('*') ? patterns : codes).push(prefixing ? { ...token, value: `${token.value.replace(/\*$/, '')}*` } : token);
      pos = token.end;
    }
    pos = stickyEnd(ASIDE, text, pos) ?? pos;
    const next = stickyEnd(SEPARATOR, text, text[pos] && QUOTES.includes(text[pos]!) ? pos + 1 : pos);
    if (next === undefined) break;
    pos = stickyEnd(SKIP, text, next) ?? next;
  }
  return { codes, patterns };
}

/** A table flattened into the text is read this far after its label. */
const TABLE_REACH = 3000;

/** At most this many labels of one kind are read in a field: a field of nothing but labels costs no more. */
const MAX_LABELS = 200;

// Where a field's sentences end and its model labels start, found once for the field being read.
let indexed: { text: string; ends: number[]; models: number[] } | undefined;
function indexOfField(text: string) {
  if (indexed?.text !== text) {
    indexed = {
      text,
      ends: [...text.matchAll(SENTENCE_END)].map((m) => m.index),
      models: [...text.matchAll(MODEL_LABEL)].map((m) => m.index),
    };
  }
  return indexed;
}

/** The first of the ascending positions at or after `at`. */
function firstFrom(positions: number[], at: number): number | undefined {
  let low = 0;
  let high = positions.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (positions[mid]! < at) low = mid + 1;
    else high = mid;
  }
  return positions[low];
}

function sentenceEnd(text: string, from: number): number {
  return firstFrom(indexOfField(text).ends, from) ?? text.length;
}

/** Codes in a table flattened into the text after a label ("Style Model Number Gray Dinosaur BLG26BE Blue Car ..."). */
function tableAfter(text: string, at: number, taken: (s: Span) => boolean): Span[] {
  const end = Math.min(sentenceEnd(text, at), at + TABLE_REACH);
  const codes: Span[] = [];
  const word = /[A-Za-z0-9](?:[A-Za-z0-9./_*-]{0,58}[A-Za-z0-9*])?/g;
  word.lastIndex = at;
  for (let match = word.exec(text); match && match.index < end; match = word.exec(text)) {
    const span = { value: match[0], start: match.index, end: match.index + match[0].length };
    const before = text.slice(Math.max(0, span.start - 10), span.start);
    const ranged =
      /\b(?:between|to|through|thru|from)\s+$/i.test(before) ||
      /\bbetween\s+\S+\s+and\s+$/i.test(text.slice(Math.max(0, span.start - 40), span.start)) ||
      /^\s+(?:to|through|thru)\s/i.test(text.slice(span.end, span.end + 10));
    const named = /^\s+(?:model|style|item)\b/i.test(text.slice(span.end, span.end + 8));
    if (!taken(span) && !ranged && !named && isCode(text, span, false)) codes.push(span);
  }
  return codes;
}

function labelled(text: string, label: RegExp, each: (labelEnd: number) => void): void {
  label.lastIndex = 0;
  let n = 0;
  for (let match = label.exec(text); match && n < MAX_LABELS; match = label.exec(text), n++) each(match.index + match[0].length);
}

// A label right after another is a table's header row ("Model Number Serial Number EFMIS121 ..."): its columns are not its list.
const HEADER_BEFORE = /\b(?:numbers?|codes?|model|style|item|#|upc|name|size|color|description|capacity|theme)\s*$/i;

/** Lot, batch, date and serial codes: they identify units, not listings. */
function lotsOf(text: string): Span[] {
  const lots: Span[] = [];
  LOT_LABEL.lastIndex = 0;
  let n = 0;
  for (let match = LOT_LABEL.exec(text); match && n < MAX_LABELS; match = LOT_LABEL.exec(text), n++) {
    if (
      HEADER_BEFORE.test(text.slice(Math.max(0, match.index - 20), match.index)) ||
      /^\s*\/\s*(?:size|name|model|style)/i.test(text.slice(match.index + match[0].length))
    )
      continue;
    const end = match.index + match[0].length;
    const { codes, patterns } = listAfter(text, end);
    lots.push(...codes, ...patterns);
    if (
      !codes.length &&
      !patterns.length &&
      !HEADER_BEFORE.test(
        `${text
          .slice(end, end + 20)
          .split(/\s+/, 2)
          .join(' ')}`,
      )
    ) {
      const model = firstFrom(indexOfField(text).models, end) ?? text.length;
      lots.push(...tableAfter(text, end, (s) => s.start >= model).filter((s) => /[A-Za-z]/.test(s.value) || s.value.length >= 6));
    }
  }
  return lots;
}

const overlaps = (spans: Span[]) => (s: Span) => spans.some((t) => s.start < t.end && t.start < s.end);

/** "RGV3-304-N-RGV3-304-L": two models a caption joins with a dash. */
function splitJoinedCodes(span: Span): Span[] {
  const stem = span.value.slice(0, 4);
  const at = span.value.indexOf(`-${stem}`, 4);
  if (stem.length < 4 || at < 0) return [span];
  return [
    { value: span.value.slice(0, at), start: span.start, end: span.start + at },
    { value: span.value.slice(at + 1), start: span.start + at + 1, end: span.end },
  ];
}

/** Models and patterns of one field: labelled lists, tables after a label, quoted codes. */
function modelsOf(name: string, text: string, lots: Span[], upcs: Span[]): { models: Span[]; patterns: Span[] } {
  const models: Span[] = [];
  const patterns: Span[] = [];
  const taken = (s: Span) => overlaps(lots)(s) || overlaps(upcs)(s) || overlaps(patterns)(s);
  labelled(text, MODEL_LABEL, (end) => {
    const list = listAfter(text, end);
    patterns.push(...list.patterns);
    models.push(...(list.codes.length || list.patterns.length ? list.codes : tableAfter(text, end, taken)));
  });
  labelled(text, SERIAL_AS_MODEL, (end) => models.push(...tableAfter(text, end, taken)));
  labelled(text, PRINTED_AS, (end) => models.push(...listAfter(text, end, 'printed').codes.filter((c) => !taken(c))));
  // Quoted codes ("VR-US18D-Black" printed on the packaging), one or a few ("HL699436 or HL731481").
  const quoted = new RegExp(`[${QUOTES}]([A-Za-z0-9][A-Za-z0-9./_ ,-]{1,78}[A-Za-z0-9])[,.]?[${QUOTES}]`, 'g');
  for (const match of text.matchAll(quoted)) {
    const start = match.index + 1;
    const before = text.slice(Math.max(0, start - 40), start);
    if (/\b(lot|batch|date|serial|fcc|upc|rn|ca|manufactur\w*|code)\b[^.]*$/i.test(before)) continue;
    const parts = [...match[1]!.matchAll(/[^\s,]+/g)].filter((p) => !/^(?:or|and)$/i.test(p[0]));
    const spans = parts.map((p) => ({ value: p[0], start: start + p.index, end: start + p.index + p[0].length }));
    if (spans.length <= 6 && spans.every((span) => isCode(text, span, false))) models.push(...spans.filter((span) => !taken(span) && !overlaps(models)(span)));
  }
  // A product's name that carries its code in capitals: "Scepter B62 gas and oil fuel containers".
  if (/^(?:product name|description)/.test(name)) {
    for (const match of text.matchAll(/(?<![\p{L}\p{N}-])(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]{2,20}(?![\p{L}\p{N}-])/gu)) {
      if (match.index > 120) break;
      if (/^\s+(?:models|series)\b/.test(text.slice(match.index + match[0].length))) continue;
      const span = { value: match[0], start: match.index, end: match.index + match[0].length };
      if (!taken(span) && isCode(text, span, false)) models.push(span);
    }
  }
  for (const match of text.matchAll(/(?<![A-Za-z0-9])([A-Z](?=[A-Z0-9]{0,20}\d)[A-Z0-9]{1,20})\s+(?:models|series)\b/g)) {
    patterns.push({ value: `${match[1]}*`, start: match.index, end: match.index + match[1]!.length });
  }
  const codes = models.flatMap(splitJoinedCodes);
  return { models: codes.filter((m) => !m.value.endsWith('*')), patterns: [...patterns, ...codes.filter((m) => m.value.endsWith('*'))] };
}

function upcsOf(text: string): Span[] {
  const upcs: Span[] = [];
  for (const match of text.matchAll(/(?<![\d-])\d(?:[ -]?\d){11,12}(?![\d-])/g)) {
    if (validGtin(match[0])) upcs.push({ value: match[0].replace(/[\s-]/g, ''), start: match.index, end: match.index + match[0].length });
  }
  labelled(text, UPC_LABEL, (end) => {
    for (const code of listAfter(text, end).codes) if (validGtin(code.value)) upcs.push({ ...code, value: code.value.replace(/-/g, '') });
  });
  return upcs;
}

/** Every code of the record's fields, each with where it was found. */
export function codesOf(fields: Field[], listedUpcs: string[]): Codes {
  const codes: Codes = { models: [], modelPatterns: [], lots: [], upcs: [], asins: [] };
  const upcList = { name: 'UPC list', text: listedUpcs.join(', ') };
  let at = 0;
  for (const upc of listedUpcs) {
    const value = upc.replace(/[\s-]/g, '');
    if (validGtin(value)) codes.upcs.push(found(upcList, value, at, at + upc.length));
    at += upc.length + 2;
  }
  for (const field of fields) {
    const { text } = field;
    const lots = lotsOf(text);
    const upcs = upcsOf(text);
    const { models, patterns } = modelsOf(field.name, text, lots, upcs);
    const asins = [...text.matchAll(/\bB0[A-Z0-9]{8}\b/g)].map((m) => ({ value: m[0], start: m.index, end: m.index + 10 }));
    const at = (s: Span) => found(field, s.value, s.start, s.end);
    codes.lots.push(...lots.map(at));
    codes.upcs.push(...upcs.map(at));
    codes.asins.push(...asins.map(at));
    codes.models.push(...models.filter((m) => !asins.some((a) => a.value === m.value)).map(at));
    codes.modelPatterns.push(...patterns.map(at));
  }
  return codes;
}
