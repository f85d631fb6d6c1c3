import * as z from '#shared/schema.ts';
import { staffMailEnv } from '../runtime/env-fields.ts';

/** It emails staff only: no link to sign. */
export const workflowFailedEnv = z.object(staffMailEnv);
