import * as z from '#shared/schema.ts';
import { caseMailEnv } from '../runtime/env-fields.ts';

export const actOnAnswerEnv = z.object(caseMailEnv);
