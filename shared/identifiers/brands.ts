import { found, keyOf, QUOTES, type Field, type Found } from './text.ts';

/** The record's fields a brand is read from, and the names it gives the product and its firms. */
export interface BrandSources {
  text: Field[];
  /** Products[].Name, and the description's "This recall involves the ..." phrase. */
  productNames: Field[];
  /** Manufacturers, importers, distributors, and the seller the title names ("Sold on Amazon by X"). */
  companies: string[];
}

const WORD = `[\\p{Lu}\\p{N}][\\p{L}\\p{N}'’&.+!-]{0,30}`;
const RUN = `${WORD}(?:\\s+(?:(?:and|&|of|the|de|n|by)\\s+)?${WORD}){0,4}`;
const QUOTED_NAME = `[${QUOTES}][^${QUOTES}]{1,40}[${QUOTES}]`;
// "Brand: Honlyne", "brand name "MouTec" or "BBRKIN"": a colon before a bare name, quotes otherwise.
const BRAND_LABEL = new RegExp(
  `\\b[Bb]rand(?:\\s+[Nn]ames?)?s?\\s*(?:(?::|is|are)\\s*)?((?:${QUOTED_NAME})(?:\\s*(?:,|or|and)\\s*${QUOTED_NAME})*)|\\b[Bb]rand(?:\\s*:|\\s+names?\\s+(?:including|such\\s+as|like))\\s*(${RUN})`,
  'gu',
);
// "sold under the X brand", "the Bobcat name and logo", "the Joyreal logo".
const UNDER_THE = new RegExp(
  `\\b(?:(?:under|of)\\s+the\\s+[${QUOTES}]?(${RUN})[${QUOTES}]?\\s+(?:brand|name|label|trademark)s?|the\\s+[${QUOTES}]?(${RUN})[${QUOTES}]?\\s+(?:brand\\s+)?(?:name|logo|trademark)s?)\\b`,
  'gu',
);
// A name marked as a trademark: "Afrin® Original Nasal Spray".
const MARKED = new RegExp(`(${RUN})\\s?[®™]`, 'gu');
// "ZWILLING is silk printed on the kettle": a name in capitals the record says is printed.
const CAPS_PRINTED =
  /(?<![\p{L}\p{N}])(\p{Lu}{3,30}(?:\s\p{Lu}{3,30})?)\s+(?:is|are)\s+(?:also\s+|silk\s+|screen\s+)?(?:printed|embossed|engraved|stamped|molded|etched)\b/gu;
const QUOTED = new RegExp(`[${QUOTES}]([\\p{L}\\p{N}][^${QUOTES}]{0,38}?)[,.]?[${QUOTES}]`, 'gu');
const PRINTED =
  /\b(?:found\s+on|print\w*|emboss\w*|sewn|stitch\w*|appear\w*|logo|stamp\w*|mold\w*|etch\w*|engrav\w*|label\w*|bears?|display\w*|shown|imprint\w*|marked|written|tag)\b/i;
// Words that open a product's name without being a brand: its kind, its users, its look.
const PLAIN_WORDS = new Set(
  "the a an recalled new children children’s children's kids kid baby babies infant toddler adult adults youth women’s women's men’s men's portable electric digital wooden plastic metal steel mini smart led light".split(
    ' ',
  ),
);

const cleaned = (value: string) =>
  value
    .replace(/[™®©]/g, '')
    .replace(/^[\s"“”'‘’,.:;-]+|[\s"“”'‘’,:;-]+$/g, '')
    .replace(/\.$/, (dot) => (/\b(Co|Inc|Ltd)\.$/.test(value.trim()) ? dot : ''));

/** The record's text, and its words as written: read once, so that no check of a word rescans the text. */
interface RecordText {
  everything: string;
  words: Set<string>;
}

const wordsOf = (text: string): Set<string> => {
  const words = new Set<string>();
  for (const token of text.split(/[^\p{L}\p{N}'’-]+/u)) {
    for (const part of [token, ...token.split('-')]) if (part) words.add(part.replace(/['’]s$/, ''));
  }
  return words;
};

function recordText(fields: Field[]): RecordText {
  const everything = fields.map((f) => f.text).join(' \n ');
  return { everything, words: wordsOf(everything) };
}

/** Whether `part` stands in `text` as a name of its own: not inside a word, not joined to another by "and". */
function standsAlone(text: string, part: string): boolean {
  let seen = 0;
  for (let at = text.indexOf(part); at >= 0 && seen < 1000; at = text.indexOf(part, at + 1), seen++) {
    const after = text.slice(at + part.length, at + part.length + 6);
    if (!/\p{L}/u.test(text[at - 1] ?? ' ') && !/^\p{L}/u.test(after) && !/^\s+(?:and|&)\s/.test(after)) return true;
  }
  return false;
}

/** "MCS and Lullaby Lane": two brands when each also stands alone in the record. */
function splitJoined(run: string, record: RecordText): string[] {
  const parts = run.split(/\s+(?:and|&)\s+/);
  if (parts.length < 2) return [run];
  const rest = record.everything.replace(run, ' ');
  return parts.every((p) => standsAlone(rest, p)) ? parts : [run];
}

/** "Academy Sports + Outdoors' Magellan": the name after the owner's. */
const afterPossessive = (run: string) => run.replace(/^.*\p{L}(?:'|’|'s|’s)\s+/u, '');

function labelledBrands(field: Field, record: RecordText): Found[] {
  const brands: Found[] = [];
  const add = (raw: string, at: number) => {
    const run = afterPossessive(raw.replace(/^.*[.!?]\s+/u, '').replace(/^(?:(?:This recall involves|The|These|Some|All|Recalled|\d+)\s+)+/i, ''));
    if (PLAIN_WORDS.has(run.toLowerCase())) return;
    for (const part of splitJoined(run, record)) brands.push(found(field, cleaned(part), Math.max(0, at + raw.indexOf(part))));
  };
  for (const pattern of [UNDER_THE, MARKED, CAPS_PRINTED]) {
    for (const match of field.text.matchAll(pattern)) {
      // "Travel Size Afrin®": the mark follows the name, not the words before it.
      const words = (match[1] ?? match[2]!).split(' ');
      while (pattern === MARKED && words.length > 1 && plainWord(words[0]!, record, false)) words.shift();
      const name = words.join(' ');
      add(name, match.index + match[0].indexOf(name));
    }
  }
  // "Sweetie Baby-branded and Style Life Eleven-branded": the name just before each "-branded".
  for (const match of field.text.matchAll(/(?:-|\s)brand(?:ed)?\b/gu)) {
    const from = Math.max(0, match.index - 120);
    const before = new RegExp(`(${RUN})$`, 'u').exec(field.text.slice(from, match.index));
    if (before) add(before[1]!.split(/(?:-|\s)brand(?:ed)?\s+(?:and|or|,)?\s*/u).pop()!, from + before.index);
  }
  for (const match of field.text.matchAll(BRAND_LABEL)) {
    const names = match[1] ? [...match[1].matchAll(new RegExp(`[${QUOTES}]([^${QUOTES}]{1,40})[${QUOTES}]`, 'gu'))].map((m) => m[1]!) : [match[2]!];
    for (const name of names) brands.push(found(field, cleaned(name), match.index + match[0].indexOf(name)));
  }
  return brands;
}

/** Whether `name` opens with the words of `prefix` (case and spaces aside), and goes on after them. */
function startsWith(name: string, prefix: string): boolean {
  const p = keyOf(prefix);
  if (p.length < 2 || !keyOf(name).startsWith(p) || keyOf(name).length === p.length) return false;
  let seen = 0;
  let i = 0;
  for (; i < name.length && seen < p.length; i++) if (keyOf(name[i]!)) seen++;
  return /^[\s\-,.'’]/.test(name.slice(i)) || /^\p{Lu}/u.test(name.slice(i));
}

/** The words of a printed name that open the product's name and are names: a firm's shared start, or its words until a plain one. */
/** The longest start of `words`, at most `longest` of them and not ending on a word `endsWell` refuses, that a firm's name is or opens with. */
function firmPrefix(words: string[], companies: string[], longest: number, endsWell = (_word: string) => true): string | undefined {
  for (let n = Math.min(longest, words.length); n >= 1; n--) {
    if (!endsWell(words[n - 1]!)) continue;
    const prefix = words.slice(0, n).join(' ');
    if (companies.some((c) => keyOf(c) === keyOf(prefix) || startsWith(c, prefix))) return prefix;
  }
  return undefined;
}

function leadingName(name: string, companies: string[], record: RecordText): string {
  const words = name.split(/\s+/);
  const firm = firmPrefix(words, companies, words.length);
  if (firm) return firm;
  const kept: string[] = [];
  for (const [i, word] of words.entries()) {
    const joiner = /^(?:and|&|of)$/i.test(word) && i + 1 < words.length && !plainWord(words[i + 1]!, record, false);
    const number = /^\d+$/.test(word) && kept.length > 0;
    if (!joiner && !number && plainWord(word, record, false)) break;
    kept.push(word);
  }
  return kept.join(' ');
}

/** Names printed on the product ("'Kori Gey' ... printed on the front") that open its name, a logo, or a printed name alone. */
function printedBrands(field: Field, names: string[], companies: string[], record: RecordText): Found[] {
  const brands: Found[] = [];
  for (const match of field.text.matchAll(QUOTED)) {
    // "Titan Pro by Arctic Zone": the maker's name after "by".
    const name = cleaned(match[1]!.replace(/^.+?\s+by\s+(?=\p{Lu})/u, ''));
    const sentence = field.text.slice(Math.max(0, match.index - 150), match.index + match[0].length + 150);
    if (!PRINTED.test(sentence) || !/\p{L}/u.test(name)) continue;
    const logo = /^\s*(?:logo|brand)/i.test(field.text.slice(match.index + match[0].length));
    const opens = names.some((n) => keyOf(n).startsWith(keyOf(name)));
    // A printed word alone: a name in its own case ("Honest"), or in capitals when the product's names carry it ("TREK").
    const inNames = names.some((n) => wordsOf(n.toLowerCase()).has(name.toLowerCase()));
    const alone = /^\p{Lu}\p{L}{2,}$/u.test(name) && (/\p{Ll}/u.test(name) || inNames) && !plainWord(name, record, false);
    const value = logo ? name : opens ? leadingName(name, companies, record) : alone ? name : '';
    if (value) brands.push(found(field, value, match.index + 1));
  }
  return brands;
}

/**
 * Whether the record uses the word in lower case (a plain word, not a name), or it is one of a
 * product's kind. A word in capitals is a name when `capsAreNames` (a product name's "BBWOO").
 */
function plainWord(word: string, record: RecordText, capsAreNames = true): boolean {
  const bare = word.toLowerCase().replace(/['’]s$/, '');
  if (PLAIN_WORDS.has(word.toLowerCase()) || /^\d/.test(word) || /-(?:themed|shaped|style|inspired)$/i.test(word)) return true;
  if (capsAreNames && word.length > 1 && word === word.toUpperCase()) return false;
  return record.words.has(bare);
}

/** The trade name opening a product's name: the longest start a firm shares (confirmed), or its first word if it is a name. */
function nameBrand(field: Field, companies: string[], record: RecordText, title: string): (Found & { confirmed: boolean }) | undefined {
  const text = field.text.replace(/^(?:(?:the|a|an|certain|some|all|select|recalled)\s+)+/i, '');
  const offset = field.text.length - text.length;
  const all = text.split(/\s+/).slice(0, 8);
  // "Curtis International's Frigidaire minifridges": the owner is not the product's name.
  const owner = all.findIndex((w, i) => /['’]s?$/.test(w) && !PLAIN_WORDS.has(w.toLowerCase()) && /^\p{Lu}/u.test(all[i + 1] ?? ''));
  const words = all.slice(owner + 1, owner + 7).map((w) => w.replace(/[,.;:]$/, '').replace(/['’]s$/, ''));
  // A firm's start that ends on a letter alone ("ZWILLING J") is not a name.
  const firm = firmPrefix(words, companies, Math.min(4, words.length - 1), (word) => word.length >= 2);
  if (firm) return { ...found(field, firm, offset), confirmed: true };
  const first = words[0] ?? '';
  // A trade name in lower case ("nvyue Magic Pocket Staffs") is one when the title opens with it too.
  const lowerName = /^\p{Ll}/u.test(first) && title.startsWith(`${first} `);
  if ((!/^\p{Lu}/u.test(first) && !lowerName) || /\d/.test(first) || (!lowerName && plainWord(first, record))) return undefined;
  return { ...found(field, first, offset), confirmed: false };
}

/**
 * The names the product bears or is sold under: "X-branded", "Brand: X", "the X brand", a name
 * printed on it that opens its name or shows as a logo, and, when the record gives none of those,
 * the trade name that opens its name. A firm is a brand only where the product bears its name.
 */
export function brandsOf(sources: BrandSources): Found[] {
  const record = recordText(sources.text);
  const names = sources.productNames.map((f) => f.text);
  const labelled = sources.text.flatMap((field) => labelledBrands(field, record));
  const brands = [...labelled, ...sources.text.flatMap((field) => printedBrands(field, names, sources.companies, record))];
  // The record says what the brand is: a firm or a word opening the name is not offered beside it;
  // beside a name printed on the product, only a firm whose name opens the product's.
  const candidates = (labelled.length ? [] : sources.productNames)
    .map((field) => nameBrand(field, sources.companies, record, sources.text.find((f) => f.name === 'title')?.text ?? ''))
    .filter((c): c is Found & { confirmed: boolean } => c !== undefined);
  // A word that opens both the title's product and another of its names is confirmed too; a caption alone is not enough.
  const inTitle = new Set(candidates.filter((c) => c.field === 'title').map((c) => keyOf(c.value)));
  const confirmed = candidates.filter((c) => c.confirmed || (c.field !== 'title' && inTitle.has(keyOf(c.value))));
  const named = candidates.filter((c) => !c.field.startsWith('image caption'));
  const chosen = confirmed.length ? confirmed : brands.length ? [] : named.slice(0, 1);
  for (const { confirmed: _, ...brand } of chosen) {
    if (!brands.some((b) => keyOf(b.value).startsWith(keyOf(brand.value)) || keyOf(brand.value).startsWith(keyOf(b.value)))) brands.push(brand);
  }
  return brands.filter((b) => b.value.length >= 2 && /\p{L}/u.test(b.value));
}
