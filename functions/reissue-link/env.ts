import * as z from '#shared/schema.ts';
import { caseMailEnv } from '../runtime/env-fields.ts';

export const reissueLinkEnv = z.object(caseMailEnv);
