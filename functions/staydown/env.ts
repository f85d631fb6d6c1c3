import * as z from '#shared/schema.ts';
import { caseMailEnv, sendSlotsEnv } from '../runtime/env-fields.ts';

/** It emails the marketplace (the case's link) and staff; its requests take send slots. */
export const staydownEnv = z.object({ ...caseMailEnv, ...sendSlotsEnv });
