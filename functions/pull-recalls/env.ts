import * as z from '#shared/schema.ts';
import { ingestEnv } from '../ingest/env.ts';
import { caseMailEnv, httpUrl, wholeNumber } from '../runtime/env-fields.ts';

export const pullRecallsEnv = z.extend(ingestEnv, {
  CPSC_API_URL: httpUrl,
  /** Days before the watermark pulled again: publication dates can lag. */
  PULL_OVERLAP_DAYS: wholeNumber(0, 60),
  /** How far back a wide re-scan reaches, by recall date. */
  RESCAN_DAYS: wholeNumber(1, 3650),
  CLOSURE_DAYS: caseMailEnv.CLOSURE_DAYS,
});
