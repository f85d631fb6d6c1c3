import middy from '@middy/core';
import { caseMailDeps } from '../case-operations/case-mail.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { workflowFailedEnv } from './env.ts';
import { workflowFailed, type FailureInput } from './workflow-failed.ts';

const deps = caseMailDeps(loadEnvironment(workflowFailedEnv));

export const handler = middy<FailureInput, Awaited<ReturnType<typeof workflowFailed>>>()
  .use(observed())
  .handler((event) => workflowFailed(event, deps));
