import { z } from 'zod';
import { caseMailEnv } from '../runtime/env-fields.ts';

export const workflowFailedEnv = z.object(caseMailEnv);
