import { brandsOf } from './identifiers/brands.ts';
import { channelOf, channelsOf } from './identifiers/channels.ts';
import { codesOf } from './identifiers/codes.ts';
import { keyOf, MAX_PER_KIND, plain, uniqueFound, type Field, type Found } from './identifiers/text.ts';
import type { Marketplace } from './marketplace.ts';
import type { Recall } from './recall.ts';

export { validGtin } from './identifiers/codes.ts';
export { channelOf } from './identifiers/channels.ts';
export { plain } from './identifiers/text.ts';
export type { Found } from './identifiers/text.ts';

export const COMPANY_ROLES = ['manufacturer', 'importer', 'distributor', 'retailer'] as const;
export interface Company {
  name: string;
  role: (typeof COMPANY_ROLES)[number];
}

/**
 * What a marketplace searches its listings by to find the recalled product, each identifier with
 * where the record gives it. Lots identify units, not listings; companies are who made, imported,
 * distributed or sold it, never offered as brands.
 */
export interface RecallIdentifiers {
  models: Found[];
  /** Ranges and prefixes as the record prints them ("1001 through 1010", "BP*"): not guessed out. */
  modelPatterns: Found[];
  /** UPC, EAN and GTIN numbers whose check digit is valid (a mistyped one finds the wrong product, or none). */
  upcs: Found[];
  asins: Found[];
  brands: Found[];
  lots: Found[];
  /** The product's names, as the record gives them. */
  names: string[];
  companies: Company[];
  /** The online channels the record says sold it, by bare site name (`amazon`, `walmart`, `acme`). */
  marketplaces: Found[];
}

const noun = (base: string, i: number, count: number) => (count > 1 ? `${base} ${i + 1}` : base);
/** A title is read this far: CPSC's are under 300 characters. */
const MAX_TITLE = 500;
/** Products and images read from one record: CPSC's have one product and a few images. */
const MAX_ENTRIES = 20;
/** Text read from one record in all: its fields in order until this much is read. */
const MAX_RECORD = 100_000;

function fieldsOf(recall: Recall): { text: Field[]; sales: Field[]; productNames: Field[] } {
  const products = recall.products.slice(0, MAX_ENTRIES).flatMap((p, i) => [
    { name: noun('product name', i, recall.products.length), text: p.name },
    { name: noun('product description', i, recall.products.length), text: p.description },
    { name: noun('product model', i, recall.products.length), text: p.model ? `Model ${p.model}` : '' },
  ]);
  const captions = recall.images.slice(0, MAX_ENTRIES).map((image, i) => ({ name: noun('image caption', i, recall.images.length), text: image.caption }));
  const text = [{ name: 'title', text: recall.title }, { name: 'description', text: recall.description }, ...products, ...captions];
  const sales = [
    ...recall.retailers.map((r, i) => ({ name: noun('retailers', i, recall.retailers.length), text: r })),
    { name: 'sold at', text: recall.soldAt ?? '' },
  ];
  const involves = /\b(?:recall|This)\s+involves\s+(.{1,160})/i.exec(recall.description);
  const titled = /^(?:.{1,200}?\s+Recalls\s+)?(.{1,200}?)\s+(?:Recalled|Due\s+to)\b/.exec(plain(recall.title).slice(0, MAX_TITLE));
  const productNames = [
    ...recall.products.slice(0, MAX_ENTRIES).map((p, i) => ({ name: noun('product name', i, recall.products.length), text: p.name })),
    ...(involves ? [{ name: 'description', text: involves[1]! }] : []),
    ...(titled ? [{ name: 'title', text: titled[1]! }] : []),
    ...captions.map((c) => ({ ...c, text: c.text.replace(/^Recalled\s+/i, '') })),
  ];
  let budget = MAX_RECORD;
  const clean = (fields: Field[]) =>
    fields
      .map((f) => {
        const text = plain(f.text).slice(0, Math.max(0, budget));
        budget -= text.length;
        return { ...f, text };
      })
      .filter((f) => f.text.trim());
  return { text: clean(text), sales: clean(sales), productNames: clean(productNames) };
}

/** The firms the record names, and the seller its title names ("Sold on Amazon by X"), for telling a brand from a firm. */
function firmNames(recall: Recall): string[] {
  const firms = [...recall.manufacturers, ...recall.importers, ...recall.distributors].slice(0, MAX_ENTRIES).flatMap((raw) => {
    const name = shown(raw);
    const bare = name.replace(/,\s+of\s+.*$/i, '');
    const dba = /\b(?:dba|d\/b\/a|doing business as)\s+(.+)$/i.exec(bare)?.[1];
    return dba ? [bare, dba] : [bare];
  });
  // The title's last clause names the seller ("...; Sold on Amazon by X"); its start, the recalling firm ("X Recalls ...").
  const title = plain(recall.title).slice(0, MAX_TITLE);
  const last = title.slice(title.lastIndexOf(';') + 1);
  const by = /\bsold\b/i.test(last) ? last.lastIndexOf(' by ') : -1;
  const seller = by >= 0 ? last.slice(by + 4).trim() : undefined;
  const recalls = title.indexOf(' Recalls ');
  const firm = recalls > 0 ? title.slice(0, recalls) : undefined;
  return [...firms, ...(seller ? seller.split(/\s+and\s+/) : []), ...(firm ? [firm] : [])].map((f) => plain(f).trim()).filter(Boolean);
}

/** A name as shown: plain text, at most this long. */
const MAX_NAME = 200;
const shown = (name: string) => plain(name).replace(/\s+/g, ' ').trim().slice(0, MAX_NAME);

// The identifiers of the recalls read lately, by content: a page of 100 cases of one recall reads it once.
const lately = new Map<string, RecallIdentifiers>();
const LATELY = 200;

/** Every identifier of the recall, from every field CPSC fills; bounded in time and size for any record. */
export function recallIdentifiers(recall: Recall): RecallIdentifiers {
  const kept = lately.get(recall.contentHash);
  if (kept) return kept;
  const ids = identifiersOf(recall);
  if (lately.size >= LATELY) lately.delete(lately.keys().next().value!);
  lately.set(recall.contentHash, ids);
  return ids;
}

function identifiersOf(recall: Recall): RecallIdentifiers {
  const fields = fieldsOf(recall);
  const codes = codesOf([...fields.text, ...fields.sales], recall.upcs.slice(0, MAX_PER_KIND).map(plain));
  const brands = brandsOf({ text: fields.text, productNames: fields.productNames, companies: firmNames(recall) });
  const companies: Company[] = [
    ...recall.manufacturers.slice(0, MAX_ENTRIES).map((name) => ({ name: shown(name), role: 'manufacturer' as const })),
    ...recall.importers.slice(0, MAX_ENTRIES).map((name) => ({ name: shown(name), role: 'importer' as const })),
    ...recall.distributors.slice(0, MAX_ENTRIES).map((name) => ({ name: shown(name), role: 'distributor' as const })),
  ].filter((c) => c.name);
  const brandKeys = new Set(brands.map((b) => keyOf(b.value)));
  return {
    models: uniqueFound(codes.models.filter((m) => !brandKeys.has(keyOf(m.value)))),
    modelPatterns: uniqueFound(codes.modelPatterns),
    upcs: uniqueFound(codes.upcs),
    asins: uniqueFound(codes.asins),
    brands: uniqueFound(brands),
    lots: uniqueFound(codes.lots),
    names: [
      ...new Set(
        recall.products
          .slice(0, MAX_ENTRIES)
          .map((p) => shown(p.name))
          .filter(Boolean),
      ),
    ],
    companies,
    marketplaces: uniqueFound(channelsOf({ sales: fields.sales, text: fields.text })),
  };
}

/** The identifiers as plain values, by kind: what the CLI's `identifiers --json` prints. */
export function identifierValues(ids: RecallIdentifiers) {
  const values = (items: Found[]) => items.map((i) => i.value);
  return {
    models: values(ids.models),
    modelPatterns: values(ids.modelPatterns),
    lots: values(ids.lots),
    upcs: values(ids.upcs),
    asins: values(ids.asins),
    brands: values(ids.brands),
    marketplaces: values(ids.marketplaces),
    companies: ids.companies,
  };
}

/** The bare site names a marketplace goes by: its id, its name and its aliases. */
export function channelsOfMarketplace(marketplace: Pick<Marketplace, 'id' | 'name' | 'aliases'>): Set<string> {
  return new Set([marketplace.id, marketplace.name, ...marketplace.aliases].map(channelOf).filter((c) => c.length >= 2));
}

/** Where the record says the product was sold on this marketplace, if it does. */
export function soldOn(ids: RecallIdentifiers, marketplace: Pick<Marketplace, 'id' | 'name' | 'aliases'>): Found[] {
  const channels = channelsOfMarketplace(marketplace);
  return ids.marketplaces.filter((m) => channels.has(m.value));
}

const ROLE_LABELS: Record<Company['role'], string> = {
  manufacturer: 'Manufacturer',
  importer: 'Importer',
  distributor: 'Distributor',
  retailer: 'Retailer',
};

/** An identifier with where the record gives it: `HON-302HE (description: "…Mo. Number: HON-302HE…")`. */
export const cited = (item: Found) => `${item.value} (${item.field}: "${item.context}")`;

/** What to search the platform by, one line each, with where the record gives it. */
export function searchLines(ids: RecallIdentifiers): string[] {
  return [
    ...ids.upcs.map((u) => `UPC ${cited(u)}`),
    ...ids.models.map((m) => `Model ${cited(m)}`),
    ...ids.modelPatterns.map((m) => `Model numbers ${cited(m)}`),
    ...ids.asins.map((a) => `ASIN ${cited(a)}`),
    ...ids.brands.map((b) => `Brand ${cited(b)}`),
    ...ids.names.map((n) => `Product name ${n}`),
  ];
}

/** Said when the record gives neither a model nor a UPC. */
export const NONE_PUBLISHED = 'No model number or UPC is published for this product: search by name, brand and photo.';

export const nonePublished = (ids: RecallIdentifiers) => !ids.models.length && !ids.modelPatterns.length && !ids.upcs.length && !ids.asins.length;

/** The firms the record names, each as what it is. */
export const companyLines = (ids: RecallIdentifiers) => ids.companies.map((c) => `${ROLE_LABELS[c.role]}: ${c.name}`);

/** Lot, batch and date codes: they tell which units are recalled, not which listings. */
export const lotLines = (ids: RecallIdentifiers) => ids.lots.map(cited);
