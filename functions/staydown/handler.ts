import middy from '@middy/core';
import { caseMailDeps } from '../case-operations/case-mail.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { staydownEnv } from './env.ts';
import { staydown, type CheckWait, type NextCheck, type StaydownInput } from './staydown.ts';

const env = loadEnvironment(staydownEnv);
const deps = { ...caseMailDeps(env), sendSlots: storesFrom(env).sendSlots };

export const handler = middy<StaydownInput, NextCheck | CheckWait>()
  .use(observed())
  .handler((event) => staydown(event, deps));
