import middy from '@middy/core';
import { caseMailDeps } from '../case-operations/case-mail.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { followUpEnv } from './env.ts';
import { followUp, type FollowUpInput, type FollowUpResult } from './follow-up.ts';

const env = loadEnvironment(followUpEnv);
const deps = { ...caseMailDeps(env), sendSlots: storesFrom(env).sendSlots };

export const handler = middy<FollowUpInput, FollowUpResult>()
  .use(observed())
  .handler((event) => followUp(event, deps));
