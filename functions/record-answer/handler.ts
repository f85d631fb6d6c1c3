import middy from '@middy/core';
import { loadEnvironment } from '../runtime/environment.ts';
import { storesFrom } from '../runtime/stores.ts';
import { recordAnswerEnv } from './env.ts';
import { recordAnswer, type RecordDeps, type RecordInput } from './record-answer.ts';

const stores = storesFrom(loadEnvironment(recordAnswerEnv));
const deps: RecordDeps = { cases: stores.cases(), audit: stores.audit() };

export const handler = middy<RecordInput, Awaited<ReturnType<typeof recordAnswer>>>().handler((event) => recordAnswer(event, deps));
