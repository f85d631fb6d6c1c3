import middy from '@middy/core';
import { caseMailDeps } from '../case-operations/case-mail.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { notifyEnv } from './env.ts';
import type { WorkflowTimer } from '#shared/ladder.ts';
import { notifyMarketplace, type NotifyInput } from './notify-marketplace.ts';

const deps = caseMailDeps(loadEnvironment(notifyEnv));

export const handler = middy<NotifyInput, WorkflowTimer>()
  .use(observed())
  .handler((event) => notifyMarketplace(event, deps));
