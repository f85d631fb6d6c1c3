import * as z from '#shared/schema.ts';
import { staffMailEnv } from '../runtime/env-fields.ts';

/** It emails staff only (no link to sign), and starts a blocked case's stay-down checks. */
export const actOnAnswerEnv = z.object({ ...staffMailEnv, STAYDOWN_STATE_MACHINE_ARN: z.string().check(z.startsWith('arn:')) });
