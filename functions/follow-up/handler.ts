import middy from '@middy/core';
import { caseMailDeps } from '../runtime/case-mail.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { followUpEnv } from './env.ts';
import { followUp, type FollowUpInput, type FollowUpResult } from './follow-up.ts';

const deps = caseMailDeps(loadEnvironment(followUpEnv));

export const handler = middy<FollowUpInput, FollowUpResult>().use(observed()).handler((event) => followUp(event, deps));
