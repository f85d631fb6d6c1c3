import middy from '@middy/core';
import type { WorkflowTimer } from '#shared/ladder.ts';
import { caseMailDeps } from '../case-operations/case-mail.ts';
import { stepFunctionsClient } from '../runtime/clients.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { actOnAnswer, type AnswerInput, type CaseClosed } from './act-on-answer.ts';
import { actOnAnswerEnv } from './env.ts';

const env = loadEnvironment(actOnAnswerEnv);
const deps = { ...caseMailDeps(env), staydown: { sfn: stepFunctionsClient(), stateMachineArn: env.STAYDOWN_STATE_MACHINE_ARN } };

export const handler = middy<AnswerInput, CaseClosed | WorkflowTimer>()
  .use(observed())
  .handler((event) => actOnAnswer(event, deps));
