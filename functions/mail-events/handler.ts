import middy from '@middy/core';
import { caseMailDeps } from '../case-operations/case-mail.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { mailEventsEnv } from './env.ts';
import { mailEvents, type SnsEvent } from './mail-events.ts';

const deps = caseMailDeps(loadEnvironment(mailEventsEnv));

export const handler = middy<SnsEvent, Awaited<ReturnType<typeof mailEvents>>>()
  .use(observed())
  .handler((event) => mailEvents(event, deps));
