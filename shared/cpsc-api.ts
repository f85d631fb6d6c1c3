/** The CPSC Recalls REST API: a bare JSON array, no paging, and a few quirks handled here. */
export const CPSC_API_URL = 'https://www.saferproducts.gov/RestWebServices/Recall';

export interface Window {
  start: string;
  end: string;
}

export class PullRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PullRefused';
  }
}

const DAY = 86_400_000;
const toDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const days = (w: Window) => Math.round((Date.parse(w.end) - Date.parse(w.start)) / DAY) + 1;

/** Windows of a year or more fail at the API: split [start, end] (inclusive dates) into shorter ones. */
export function splitWindow(start: string, end: string, maxDays = 90): Window[] {
  if (!(Date.parse(start) <= Date.parse(end))) throw new RangeError(`the window must start (${start}) on or before its end (${end})`);
  const out: Window[] = [];
  for (let from = Date.parse(start); from <= Date.parse(end); from += maxDays * DAY) {
    out.push({ start: toDate(from), end: toDate(Math.min(from + (maxDays - 1) * DAY, Date.parse(end))) });
  }
  return out;
}

/**
 * The most records a window can plausibly hold: CPSC publishes 20 to 30 recalls a week. An
 * answer far larger means the API ignored the filter and sent its whole catalogue.
 */
export function plausibleCount(window: Window): number {
  return 150 + days(window) * 15;
}

/**
 * The most bytes an answer may take, counted while it streams: the pull function's memory is
 * bounded whatever the API sends. The whole catalogue (about 10,000 records of 3 KB) fits, and is
 * then refused by its count; a 90-day window's plausible answer is about 5 MB.
 */
export const MAX_ANSWER_BYTES = 64 * 1_048_576;

/** The body as text, or undefined once it passes `limit` bytes (the rest is not read). */
async function readCapped(response: Response, limit: number): Promise<string | undefined> {
  if (Number(response.headers.get('content-length') ?? 0) > limit) {
    await response.body?.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) {
      await response.body?.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface PullOptions {
  apiUrl: string;
  /** Which date the window filters on: publication (daily pulls) or recall date (wide re-scans). */
  field: 'LastPublishDate' | 'RecallDate';
  timeoutMs?: number;
  attempts?: number;
  fetchFn?: typeof fetch;
  /** The most bytes an answer may take (MAX_ANSWER_BYTES). */
  maxBytes?: number;
  sleep?: (ms: number) => Promise<void>;
}

function isErrorRecord(records: unknown[]): string | undefined {
  const [first] = records as { RecallID?: unknown; Title?: unknown }[];
  if (records.length === 1 && first?.RecallID === 0 && typeof first.Title === 'string' && first.Title.startsWith('Error retrieving Recalls'))
    return first.Title;
  return undefined;
}

/** One window from the API, with a timeout and retries; refuses the API's error answer and oversized answers. */
export async function fetchWindow(window: Window, options: PullOptions): Promise<unknown[]> {
  const url = new URL(options.apiUrl);
  url.searchParams.set('format', 'json');
  url.searchParams.set(`${options.field}Start`, window.start);
  url.searchParams.set(`${options.field}End`, window.end);
  const attempts = options.attempts ?? 4;
  const fetchFn = options.fetchFn ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(Math.min(30_000, 1_000 * 2 ** (attempt - 2)) * (0.5 + Math.random() / 2));
    let response: Response;
    try {
      response = await fetchFn(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000), headers: { accept: 'application/json' } });
    } catch (error) {
      lastError = `${(error as Error).name}: ${(error as Error).message}`;
      continue;
    }
    if (response.status >= 500 || response.status === 429) {
      lastError = `HTTP ${response.status}`;
      continue;
    }
    if (!response.ok) throw new PullRefused(`the API answered HTTP ${response.status} for ${window.start}..${window.end}`);
    const text = await readCapped(response, options.maxBytes ?? MAX_ANSWER_BYTES);
    if (text === undefined) {
      throw new PullRefused(
        `the API answered more than ${Math.round((options.maxBytes ?? MAX_ANSWER_BYTES) / 1_048_576)} MB for the ${days(window)}-day window ${window.start}..${window.end}, far more than it publishes: refused while it was read, nothing ingested`,
      );
    }
    let records: unknown;
    try {
      records = JSON.parse(text);
    } catch {
      lastError = 'the answer is not JSON';
      continue;
    }
    if (!Array.isArray(records)) throw new PullRefused(`the API answered something other than an array for ${window.start}..${window.end}`);
    const failure = isErrorRecord(records);
    if (failure) {
      lastError = `the API answered its error record ("${failure.slice(0, 200)}")`;
      continue;
    }
    if (records.length > plausibleCount(window)) {
      throw new PullRefused(
        `the API answered ${records.length} records for the ${days(window)}-day window ${window.start}..${window.end}, far more than it publishes: the filter was probably ignored, so nothing was ingested`,
      );
    }
    return records;
  }
  throw new PullRefused(`the pull of ${window.start}..${window.end} failed after ${attempts} attempts: ${lastError}`);
}
