import middy from '@middy/core';
import { caseMailDeps } from '../case-operations/case-mail.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { applyDecision, type ApplyInput, type ApplyResult } from './apply-decision.ts';
import { applyDecisionEnv } from './env.ts';

const deps = caseMailDeps(loadEnvironment(applyDecisionEnv));

export const handler = middy<ApplyInput, ApplyResult>()
  .use(observed())
  .handler((event) => applyDecision(event, deps));
