import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The whole CPSC catalogue index, beside the repository (read-only). */
const CATALOGUE = fileURLToPath(new URL('../../../shared/data/cpsc/catalogue-index-1973-2026.json', import.meta.url));

interface CatalogueRow {
  n: string;
  h: string;
  y: string;
  u: string;
  o: string;
}

/**
 * `count` records in the shape of the CPSC Recalls API, built from real catalogue rows (names,
 * hazards, dates, pages, remedies); recall numbers are made unique for the run.
 */
export function recallsFromCatalogue(count: number): Record<string, unknown>[] {
  if (!existsSync(CATALOGUE)) throw new Error(`the benchmarks need the CPSC catalogue index at ${CATALOGUE}`);
  const { prefix, rows } = JSON.parse(readFileSync(CATALOGUE, 'utf8')) as { prefix: string; rows: CatalogueRow[] };
  return Array.from({ length: count }, (_, i) => {
    const row = rows[i % rows.length]!;
    const date = /^\d{4}-\d{2}-\d{2}$/.test(row.y) ? row.y : '2026-01-05';
    return {
      RecallID: 100_000 + i,
      RecallNumber: String(700_000 + i),
      RecallDate: `${date}T00:00:00`,
      LastPublishDate: `${date}T00:00:00`,
      Title: `${row.n} Recalled`,
      Description: `This recall involves ${row.n}.`,
      URL: `${prefix}${row.u}`,
      Products: [{ Name: row.n, Description: '', Model: '', Type: '', CategoryID: '', NumberOfUnits: 'About 1,000' }],
      Hazards: [{ Name: row.h, HazardType: '', HazardTypeID: '' }],
      Remedies: [{ Name: row.o }],
      RemedyOptions: [{ Option: row.o }],
      Images: [],
      Retailers: [],
      Manufacturers: [],
      Importers: [],
      Distributors: [],
      ManufacturerCountries: [],
      ProductUPCs: [],
      Injuries: [],
    };
  });
}
