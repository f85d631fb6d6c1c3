import { SESv2Client } from '@aws-sdk/client-sesv2';
import middy from '@middy/core';
import { SesMailer } from '#shared/mailer.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { linkKeysFrom } from '../runtime/link-keys.ts';
import { storesFrom } from '../runtime/stores.ts';
import { escalateEnv } from './env.ts';
import { escalate, type EscalateDeps, type EscalateInput } from './escalate.ts';

const env = loadEnvironment(escalateEnv);
const stores = storesFrom(env);
const deps: EscalateDeps = {
  cases: stores.cases(),
  recalls: stores.recalls(),
  marketplaces: stores.marketplaces(),
  audit: stores.audit(),
  mailer: new SesMailer(new SESv2Client({}), env.SENDER_EMAIL, env.SES_CONFIGURATION_SET),
  linkKeys: linkKeysFrom(env.LINK_KEY_SECRET_ARN),
  staffEmails: env.STAFF_EMAILS,
  respondBaseUrl: env.RESPOND_BASE_URL,
  linkValidityDays: env.LINK_VALIDITY_DAYS,
};

export const handler = middy<EscalateInput, Awaited<ReturnType<typeof escalate>>>().handler((event) => escalate(event, deps));
