import { z } from 'zod';
import { ingestEnv } from '../ingest/env.ts';
import { httpUrl } from '../runtime/env-fields.ts';

export const pullRecallsEnv = ingestEnv.extend({
  CPSC_API_URL: httpUrl,
  /** Days before the watermark pulled again: publication dates can lag. */
  PULL_OVERLAP_DAYS: z.coerce.number().int().min(0).max(60),
  /** How far back a wide re-scan reaches, by recall date. */
  RESCAN_DAYS: z.coerce.number().int().min(1).max(3650),
  CLOSURE_DAYS: z
    .string()
    .transform((s) => s.split(',').map((d) => d.trim()).filter(Boolean))
    .pipe(z.array(z.iso.date())),
});
