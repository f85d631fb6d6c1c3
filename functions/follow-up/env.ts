import * as z from '#shared/schema.ts';
import { caseMailEnv, sendSlotsEnv } from '../runtime/env-fields.ts';

export const followUpEnv = z.object({ ...caseMailEnv, ...sendSlotsEnv });
