import * as z from '#shared/schema.ts';
import { agencyCallerEnv, caseMailEnv } from '../runtime/env-fields.ts';

export const reissueLinkEnv = z.object({
  ...caseMailEnv,
  ...agencyCallerEnv,
});
