import { parse } from 'csv-parse/sync';
import { InvalidRecallError, normalizeCpscRecord, normalizeCsvRow, type Recall } from './recall.ts';

export interface RecallFile {
  format: 'cpsc-api-json' | 'cpsc-csv';
  records: unknown[];
}

export class UnreadableFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

const CSV_HEADER = '"Recall Number"';

/** Reads a recalls file: the API's JSON array, or the cpsc.gov CSV export. */
export function readRecallFile(text: string): RecallFile {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body.startsWith('[')) {
    let records: unknown;
    try {
      records = JSON.parse(body);
    } catch (error) {
      throw new UnreadableFileError(`the file is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(records)) throw new UnreadableFileError('the JSON is not an array of CPSC Recalls API records');
    return { format: 'cpsc-api-json', records };
  }
  if (body.startsWith(CSV_HEADER) || body.startsWith('Recall Number,')) {
    try {
      return { format: 'cpsc-csv', records: parse(body, { columns: true, relax_quotes: true, skip_empty_lines: true }) as unknown[] };
    } catch (error) {
      throw new UnreadableFileError(`the CSV cannot be read: ${(error as Error).message}`);
    }
  }
  if (body.startsWith('{')) throw new UnreadableFileError('the JSON is an object, not an array of CPSC Recalls API records');
  throw new UnreadableFileError('the file is neither the CPSC Recalls API JSON (an array) nor the cpsc.gov CSV export');
}

/** Normalizes a record of either format; throws InvalidRecallError with the reason. */
export function normalizeRecord(raw: unknown, format: RecallFile['format']): Recall {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidRecallError(`a record must be an object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`);
  }
  return format === 'cpsc-csv' ? normalizeCsvRow(raw) : normalizeCpscRecord(raw);
}
