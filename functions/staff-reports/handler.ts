import middy from '@middy/core';
import { SesMailer } from '#shared/mailer.ts';
import { WorkingCalendar } from '#shared/working-days.ts';
import { loadEnvironment } from '../runtime/environment.ts';
import { sesClient } from '../runtime/clients.ts';
import { observed } from '../runtime/observability.ts';
import { storesFrom } from '../runtime/stores.ts';
import { staffReportsEnv } from './env.ts';
import { staffReport, type DigestResult, type MonthlyResult, type StaffReportEvent } from './staff-reports.ts';

const env = loadEnvironment(staffReportsEnv);
const deps = {
  ...storesFrom(env),
  mailer: new SesMailer(sesClient(), env.SENDER_EMAIL, env.SES_CONFIGURATION_SET),
  calendar: new WorkingCalendar(env.CLOSURE_DAYS),
  settings: {
    authority: env.AGENCY_NAME,
    staffEmails: env.STAFF_EMAILS,
    caseUrlTemplate: env.CASE_URL_TEMPLATE,
    caseListUrlTemplate: env.CASE_LIST_URL_TEMPLATE,
    digestWhenEmpty: env.DIGEST_WHEN_EMPTY,
  },
};

export const handler = middy<StaffReportEvent, DigestResult | MonthlyResult>()
  .use(observed())
  .handler((event) => staffReport(event, deps));
