import middy from '@middy/core';
import { caseMailDeps } from '../runtime/case-mail.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { applyDecision, type ApplyInput, type ApplyResult } from './apply-decision.ts';
import { applyDecisionEnv } from './env.ts';

const deps = caseMailDeps(loadEnvironment(applyDecisionEnv));

export const handler = middy<ApplyInput, ApplyResult>().handler((event) => applyDecision(event, deps));
