import { z } from 'zod';
import { caseMailEnv } from '../runtime/env-fields.ts';

export const applyDecisionEnv = z.object(caseMailEnv);
