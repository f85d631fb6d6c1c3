import middy from '@middy/core';
import { caseMailDeps } from '../case-operations/case-mail.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { reissueLinkEnv } from './env.ts';
import { reissueLink, type ReissueInput, type ReissueResult } from './reissue-link.ts';

const deps = caseMailDeps(loadEnvironment(reissueLinkEnv));

export const handler = middy<ReissueInput, ReissueResult>()
  .use(observed())
  .handler((event) => reissueLink(event, deps));
