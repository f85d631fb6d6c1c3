import { now } from '#shared/clock.ts';
import { fetchWindow, splitWindow, type PullOptions, type Window } from '#shared/cpsc-api.ts';
import { agencyDate, type WorkingCalendar } from '#shared/working-days.ts';
import { ingestRecalls, type IngestDeps, type IngestResult } from '../ingest/ingest-recalls.ts';
import { httpUrl } from '../runtime/env-fields.ts';

export interface PullInput {
  /** `daily`: from the watermark (less the overlap) to today; `rescan`: the last RESCAN_DAYS by recall date. */
  mode?: 'daily' | 'rescan';
  /** An explicit window (YYYY-MM-DD), by publication date. */
  since?: string;
  until?: string;
  apiUrl?: string;
  /** Pull even on a day that is not a working day. */
  force?: boolean;
}

export interface PullResult {
  skipped?: string;
  windows: ({ window: Window } & Pick<IngestResult, 'received' | 'inserted' | 'updated' | 'unchanged' | 'workflowsStarted'> & { quarantined: number })[];
  watermark?: string;
}

export interface PullDeps extends IngestDeps {
  calendar: WorkingCalendar;
  apiUrl: string;
  overlapDays: number;
  rescanDays: number;
  fetchOptions?: Pick<PullOptions, 'fetchFn' | 'sleep' | 'timeoutMs' | 'attempts'>;
}

const SOURCE = 'cpsc-api';
const minusDays = (date: string, n: number) => new Date(Date.parse(date) - n * 86_400_000).toISOString().slice(0, 10);

/**
 * Pulls new and changed recalls from the CPSC API, window by window, and ingests each. The
 * watermark moves only past windows that were pulled and ingested whole; a failed window
 * stops the pull with the reason, and the next run starts from there.
 */
export async function pullRecalls(input: PullInput, deps: PullDeps): Promise<PullResult> {
  // An API named in the event is checked as the one in the function's setting is.
  if (input.apiUrl !== undefined && !httpUrl.safeParse(input.apiUrl).success)
    throw new Error(`apiUrl must be an http or https URL, got ${JSON.stringify(input.apiUrl).slice(0, 200)}`);
  const today = agencyDate(now());
  const rescan = input.mode === 'rescan';
  if (!input.since && !input.force && !deps.calendar.isWorkingDay(today)) return { skipped: `${today} is not a working day`, windows: [] };
  const watermark = await deps.ingestState.watermark(SOURCE);
  const start = input.since ?? (rescan ? minusDays(today, deps.rescanDays) : watermark ? minusDays(watermark, deps.overlapDays) : minusDays(today, 30));
  const end = input.until ?? today;
  const options: PullOptions = { apiUrl: input.apiUrl ?? deps.apiUrl, field: rescan ? 'RecallDate' : 'LastPublishDate', ...deps.fetchOptions };
  const result: PullResult = { windows: [] };
  for (const window of splitWindow(start, end)) {
    const records = await fetchWindow(window, options);
    const ingested = await ingestRecalls({ source: `${SOURCE} ${options.field} ${window.start}..${window.end}`, records }, deps);
    result.windows.push({ window, ...ingested, quarantined: ingested.quarantined.length });
    if (!rescan && !input.since && (!watermark || window.end > watermark)) {
      await deps.ingestState.setWatermark(SOURCE, window.end, now());
      result.watermark = window.end;
    }
  }
  return result;
}
