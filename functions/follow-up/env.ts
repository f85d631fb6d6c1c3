import * as z from '#shared/schema.ts';
import { caseMailEnv } from '../runtime/env-fields.ts';

export const followUpEnv = z.object(caseMailEnv);
