import { found, type Field, type Found } from './text.ts';

/** A sale is cited with the sentence around it: where, when and for how much. */
const SALE_CONTEXT = 150;

/**
 * Online channels by the names records use without a domain ("Sold on Temu", "online at Home
 * Depot"): each to its bare site name.
 */
const KNOWN_CHANNELS: Record<string, string> = {
  amazon: 'amazon',
  walmart: 'walmart',
  temu: 'temu',
  ebay: 'ebay',
  target: 'target',
  etsy: 'etsy',
  wayfair: 'wayfair',
  shein: 'shein',
  aliexpress: 'aliexpress',
  alibaba: 'alibaba',
  tiktok: 'tiktok',
  'tiktok shop': 'tiktok',
  'home depot': 'homedepot',
  'the home depot': 'homedepot',
  "lowe's": 'lowes',
  lowes: 'lowes',
  "macy's": 'macys',
  'best buy': 'bestbuy',
  costco: 'costco',
  hsn: 'hsn',
  qvc: 'qvc',
  "kohl's": 'kohls',
  overstock: 'overstock',
  newegg: 'newegg',
  banggood: 'banggood',
  "sam's club": 'samsclub',
  babylist: 'babylist',
  chewy: 'chewy',
  wish: 'wish',
  mercari: 'mercari',
  poshmark: 'poshmark',
  facebook: 'facebook',
  'facebook marketplace': 'facebook',
  shopify: 'shopify',
};

// ASCII only (no `u` flag): "ſ" must not fold into a site's name.
const DOMAIN =
  /\b(?:https?:\/\/)?(?:www\.)?((?:[a-z0-9-]{1,63}\.){0,3}?([a-z0-9][a-z0-9-]{0,62}))\.(?:com|net|org|us|co|shop|store|online|biz|info|io|ca|co\.uk)\b(?!\.[a-z])/gi;
const names = Object.keys(KNOWN_CHANNELS)
  .sort((a, b) => b.length - a.length)
  .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, "['’]"));
// A known channel after the words that say it sold the product.
const SOLD_ON = new RegExp(
  `\\b(?:sold(?:\\s+exclusively)?(?:\\s+online)?\\s+(?:on|through|via)|sold(?:\\s+exclusively)?\\s+online\\s+at|online\\s+(?:at|on|from|through)|exclusively\\s+(?:on|at)|and|,)\\s+(?:the\\s+)?(${names.join('|')})(?![\\p{L}\\p{N}])`,
  'giu',
);
// Words after a domain that mean it is contact information, not where the product was sold.
const CONTACT = /\b(?:e-?mail|contact|visit|go\s+to|click|register|www\.[a-z0-9-]+\.[a-z]+\/recall)/i;

/** The bare site name of a channel as a record or a marketplace names it: "Amazon.com" and "amazon" are both `amazon`. */
export function channelOf(name: string): string {
  const text = name.trim().toLowerCase();
  DOMAIN.lastIndex = 0;
  const domain = DOMAIN.exec(text);
  if (domain) return domain[2]!;
  return KNOWN_CHANNELS[text.replace(/’/g, "'")] ?? text.replace(/['’\s]/g, '');
}

type Placed = Found & { at: number };

function domainsOf(field: Field, onlySold: boolean): Placed[] {
  const channels: Placed[] = [];
  for (const match of field.text.matchAll(DOMAIN)) {
    // Part of a longer word ("ſhein.com") or an email address: not a site the product was sold on.
    if (/[@\p{L}\p{N}.-]/u.test(field.text[match.index - 1] ?? ' ')) continue;
    const before = field.text.slice(Math.max(0, match.index - 60), match.index);
    if (onlySold && (!/\b(?:sold|online|exclusively|purchased|bought)\b/i.test(before) || CONTACT.test(before))) continue;
    // "online at Karst Sports.com": a site name written with a space.
    const words = /(?:\bat|,|\band)\s+((?:\p{Lu}[\p{L}\p{N}]*\s+){1,2})$/u.exec(before)?.[1] ?? '';
    const name = words && !match[1]!.includes('.') ? `${words.replace(/\s+/g, '')}${match[2]}` : match[2]!;
    channels.push({ ...found(field, name.toLowerCase(), match.index - words.length, match.index + match[0].length, SALE_CONTEXT), at: match.index });
  }
  return channels;
}

/**
 * The online channels a record says sold the product: domains in the retailers and "sold at"
 * fields, and in the title and description where they follow words of sale; known channels named
 * after those words ("Sold on Temu by ...", "online at Home Depot, Lowe's and Amazon.com").
 */
export function channelsOf(fields: { sales: Field[]; text: Field[] }): Found[] {
  const channels: Found[] = [];
  for (const field of [...fields.sales, ...fields.text]) {
    const placed = domainsOf(field, !fields.sales.includes(field));
    for (const match of field.text.matchAll(SOLD_ON)) {
      const start = match.index + match[0].length - match[1]!.length;
      const value = KNOWN_CHANNELS[match[1]!.toLowerCase().replace(/’/g, "'")];
      // A name in a list ("..., wish lists") is a channel only when written as one, capitalized.
      const joined = /^(and|,)/i.test(match[0]);
      if (!value || (joined && !/^\p{Lu}/u.test(match[1]!))) continue;
      const online = /\b(?:sold\s+(?:exclusively\s+)?on|online)\b/i.test(field.text.slice(Math.max(0, match.index - 80), match.index));
      if ((!joined || online) && !/^\s+stores?\b/i.test(field.text.slice(match.index + match[0].length)))
        placed.push({ ...found(field, value, start, start + match[1]!.length, SALE_CONTEXT), at: start });
    }
    channels.push(...placed.sort((a, b) => a.at - b.at).map(({ at: _, ...channel }) => channel));
  }
  return channels;
}
