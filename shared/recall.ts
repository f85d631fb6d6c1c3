import { createHash } from 'node:crypto';
import * as z from './schema.ts';
import { decodeEntities } from './html.ts';

/** One record as the CPSC Recalls REST API answers it. Unknown extra fields are kept in `raw`. */
const field = z.nullish(z.string());
const named = z.looseObject({ Name: field });
const listOf = <T extends z.ZodMiniType>(item: T) => z.nullish(z.array(item));
const cpscRecordSchema = z.looseObject({
  RecallID: z.int(),
  RecallNumber: field,
  RecallDate: field,
  LastPublishDate: field,
  Title: field,
  Description: field,
  URL: field,
  ConsumerContact: field,
  Products: listOf(z.looseObject({ Name: field, Description: field, Model: field, Type: field, NumberOfUnits: field })),
  Images: listOf(z.looseObject({ URL: field, Caption: field })),
  Hazards: listOf(named),
  Remedies: listOf(named),
  RemedyOptions: listOf(z.looseObject({ Option: field })),
  Retailers: listOf(named),
  Manufacturers: listOf(named),
  Importers: listOf(named),
  Distributors: listOf(named),
  Injuries: listOf(named),
  ManufacturerCountries: listOf(z.looseObject({ Country: field })),
  ProductUPCs: listOf(z.looseObject({ UPC: field })),
  SoldAtLabel: z.optional(z.unknown()),
});

export interface RecallProduct {
  name: string;
  description: string;
  model: string;
  type: string;
  units: string;
}

export interface Recall {
  recallNumber: string;
  /** The API's id; the cpsc.gov CSV export has none. */
  recallId: number | null;
  title: string;
  description: string;
  /** Calendar dates as published, `YYYY-MM-DD`. */
  recallDate: string;
  lastPublishDate: string;
  url: string;
  consumerContact: string;
  hazards: string[];
  remedies: string[];
  remedyOptions: string[];
  products: RecallProduct[];
  upcs: string[];
  images: { url: string; caption: string }[];
  retailers: string[];
  manufacturers: string[];
  importers: string[];
  distributors: string[];
  injuries: string[];
  manufacturerCountries: string[];
  /** `SoldAtLabel`, when the record fills it (kept only then, so that older hashes still hold). */
  soldAt?: string;
  source: 'cpsc-api' | 'cpsc-csv';
  /** SHA-256 of the normalized content: an unchanged record costs no write. */
  contentHash: string;
}

export class InvalidRecallError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidRecallError';
  }
}

const text = (value: string | null | undefined): string =>
  decodeEntities(value ?? '')
    .replace(/\s+/g, ' ')
    .trim();
const names = (items: { Name?: string | null }[] | null | undefined): string[] =>
  (items ?? []).map((item) => text(item.Name)).filter((name) => name.length > 0);

/** `2026-06-25T00:00:00` and `2026-06-25` both mean the calendar day 2026-06-25. */
function calendarDate(value: string | null | undefined, field: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})(T00:00:00(\.0+)?)?$/.exec((value ?? '').trim());
  if (!match) throw new InvalidRecallError(`${field} must be YYYY-MM-DD or YYYY-MM-DDT00:00:00, got ${JSON.stringify(value)}`);
  const [, y, m, d] = match;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCMonth() !== Number(m) - 1) throw new InvalidRecallError(`${field} is not a real date: ${value}`);
  return `${y}-${m}-${d}`;
}

/** Validates and normalizes one CPSC API record; throws InvalidRecallError with the reason. */
export function normalizeCpscRecord(raw: unknown): Recall {
  const parsed = cpscRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidRecallError(`${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'}`);
  }
  const r = parsed.data;
  const title = text(r.Title);
  if (r.RecallID === 0 && title.startsWith('Error retrieving Recalls')) {
    throw new InvalidRecallError('the API answered with its error record ("Error retrieving Recalls")');
  }
  const recallNumber = text(r.RecallNumber).replace(/-/g, '');
  if (!/^\d{5,6}$/.test(recallNumber)) throw new InvalidRecallError(`RecallNumber must be 5 or 6 digits, got ${JSON.stringify(r.RecallNumber)}`);
  if (!title) throw new InvalidRecallError('Title is empty');
  const recallDate = calendarDate(r.RecallDate, 'RecallDate');
  const body: Omit<Recall, 'contentHash'> = {
    recallNumber,
    recallId: r.RecallID,
    title,
    description: text(r.Description),
    recallDate,
    lastPublishDate: r.LastPublishDate ? calendarDate(r.LastPublishDate, 'LastPublishDate') : recallDate,
    url: text(r.URL),
    consumerContact: text(r.ConsumerContact),
    hazards: names(r.Hazards),
    remedies: names(r.Remedies),
    remedyOptions: (r.RemedyOptions ?? []).map((o) => text(o.Option)).filter(Boolean),
    products: (r.Products ?? []).map((p) => ({
      name: text(p.Name),
      description: text(p.Description),
      model: text(p.Model),
      type: text(p.Type),
      units: text(p.NumberOfUnits),
    })),
    upcs: (r.ProductUPCs ?? []).map((u) => text(u.UPC)).filter(Boolean),
    images: (r.Images ?? []).map((i) => ({ url: text(i.URL), caption: text(i.Caption) })).filter((i) => i.url),
    retailers: names(r.Retailers),
    manufacturers: names(r.Manufacturers),
    importers: names(r.Importers),
    distributors: names(r.Distributors),
    injuries: names(r.Injuries),
    manufacturerCountries: (r.ManufacturerCountries ?? []).map((c) => text(c.Country)).filter(Boolean),
    ...soldAtOf(r.SoldAtLabel),
    source: 'cpsc-api',
  };
  return withHash(body);
}

/** SoldAtLabel is always null in practice; a string, or a list of names or strings, is read as words. */
function soldAtOf(value: unknown): { soldAt?: string } {
  const parts = (Array.isArray(value) ? value : [value]).map((v) =>
    typeof v === 'string' ? v : v && typeof v === 'object' && 'Name' in v ? String(v.Name) : '',
  );
  const soldAt = text(parts.filter(Boolean).join('; '));
  return soldAt ? { soldAt } : {};
}

function withHash(body: Omit<Recall, 'contentHash'>): Recall {
  return { ...body, contentHash: createHash('sha256').update(JSON.stringify(body)).digest('hex') };
}

const csvRowSchema = z.record(z.string(), z.optional(z.string()));
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "February 26, 2026" -> 2026-02-26. */
function csvDate(value: string | undefined): string {
  const match = /^([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})$/.exec((value ?? '').trim());
  const month = match ? MONTHS.indexOf(match[1]!.toLowerCase()) : -1;
  if (!match || month < 0) throw new InvalidRecallError(`Date must read like "February 26, 2026", got ${JSON.stringify(value)}`);
  return calendarDate(`${match[3]}-${String(month + 1).padStart(2, '0')}-${match[2]!.padStart(2, '0')}`, 'Date');
}

const list = (value: string | undefined): string[] => (text(value) ? [text(value)] : []);

/** Validates and normalizes one row of the cpsc.gov "Recalls" CSV export (2020 column set). */
export function normalizeCsvRow(raw: unknown): Recall {
  const parsed = csvRowSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidRecallError('a CSV row must be a record of text columns');
  const row = parsed.data;
  const recallNumber = text(row['Recall Number']).replace(/-/g, '');
  if (!/^\d{5,6}$/.test(recallNumber)) throw new InvalidRecallError(`Recall Number must read like "26-288", got ${JSON.stringify(row['Recall Number'])}`);
  const title = text(row['Recall Heading']);
  if (!title) throw new InvalidRecallError('Recall Heading is empty');
  const recallDate = csvDate(row.Date);
  return withHash({
    recallNumber,
    recallId: null,
    title,
    description: text(row.Description),
    recallDate,
    lastPublishDate: recallDate,
    url: '',
    consumerContact: '',
    hazards: list(row.Hazard),
    remedies: list(row.Remedy),
    remedyOptions: list(row['Remedy Type']),
    products: [{ name: text(row['Name of Product']), description: '', model: '', type: '', units: text(row.Units) }],
    upcs: [],
    images: [],
    retailers: list(row['Sold At']),
    manufacturers: [],
    importers: [],
    distributors: list(row.Distributors),
    injuries: list(row.Incidents),
    manufacturerCountries: list(row['Manufactured In']),
    source: 'cpsc-csv',
  });
}
