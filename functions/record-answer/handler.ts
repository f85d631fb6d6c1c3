import middy from '@middy/core';
import { caseMailDeps } from '../runtime/case-mail.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { recordAnswerEnv } from './env.ts';
import { recordAnswer, type RecordInput, type RecordResult } from './record-answer.ts';

const deps = caseMailDeps(loadEnvironment(recordAnswerEnv));

export const handler = middy<RecordInput, RecordResult>()
  .use(observed())
  .handler((event) => recordAnswer(event, deps));
