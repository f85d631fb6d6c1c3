import middy from '@middy/core';
import { SendSlots } from '#shared/store/send-slots.ts';
import { caseMailDeps } from '../runtime/case-mail.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed, tracedDocumentClient } from '../runtime/observability.ts';
import { followUpEnv } from './env.ts';
import { followUp, type FollowUpInput, type FollowUpResult } from './follow-up.ts';

const env = loadEnvironment(followUpEnv);
const deps = { ...caseMailDeps(env), sendSlots: new SendSlots(tracedDocumentClient(), env.SEND_SLOTS_TABLE, env.SES_MAX_SEND_RATE) };

export const handler = middy<FollowUpInput, FollowUpResult>()
  .use(observed())
  .handler((event) => followUp(event, deps));
