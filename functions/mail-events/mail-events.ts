import { audited, noticeBounced } from '#shared/case-rules.ts';
import { now } from '#shared/clock.ts';
import { staffNoticeBouncedEmail } from '#shared/emails/case-emails.ts';
import * as z from '#shared/schema.ts';
import { loadCase, sendCaseEmail, staffContext, type CaseMailDeps } from '../case-operations/case-mail.ts';
import { logger } from '../runtime/observability.ts';

/** The parts of an SES event (configuration set event publishing) this function reads. */
const sesEvent = z.object({
  eventType: z.string(),
  mail: z.object({
    messageId: z.string(),
    destination: z._default(z.array(z.string()), []),
    tags: z._default(z.record(z.string(), z.array(z.string())), {}),
  }),
  bounce: z.optional(
    z.object({
      bounceType: z.string(),
      bounceSubType: z.optional(z.string()),
      bouncedRecipients: z._default(z.array(z.object({ emailAddress: z.string(), diagnosticCode: z.optional(z.string()) })), []),
    }),
  ),
  complaint: z.optional(
    z.object({
      complainedRecipients: z._default(z.array(z.object({ emailAddress: z.string() })), []),
      complaintFeedbackType: z.optional(z.string()),
    }),
  ),
});
export type SesEvent = z.infer<typeof sesEvent>;

export interface SnsEvent {
  Records: { Sns: { Message: string; MessageId?: string } }[];
}

export type Outcome = 'notice-bounced' | 'already-recorded' | 'bounce-recorded' | 'complaint-recorded' | 'not-about-a-case' | 'ignored';

/** One SES event: a bounced notice marks its case NOTICE_BOUNCED and emails staff at once. */
export async function handleMailEvent(event: SesEvent, deps: CaseMailDeps): Promise<Outcome> {
  const at = now();
  const caseId = event.mail.tags.caseId?.[0];
  const kind = event.mail.tags.kind?.[0];
  if (!caseId) return 'not-about-a-case';
  if (event.eventType === 'Complaint' && event.complaint) {
    await deps.audit.append({
      subject: caseId,
      at: at.toISOString(),
      actor: 'system',
      action: 'COMPLAINT_RECEIVED',
      detail: {
        kind,
        messageId: event.mail.messageId,
        recipients: event.complaint.complainedRecipients.map((r) => r.emailAddress),
        type: event.complaint.complaintFeedbackType,
      },
    });
    return 'complaint-recorded';
  }
  if (event.eventType !== 'Bounce' || !event.bounce) return 'ignored';
  const recipients = event.bounce.bouncedRecipients.map((r) => r.emailAddress);
  const detail = { kind, messageId: event.mail.messageId, bounceType: event.bounce.bounceType, subType: event.bounce.bounceSubType, recipients };
  if (kind !== 'NOTICE_SENT' || event.bounce.bounceType !== 'Permanent') {
    await deps.audit.append({ subject: caseId, at: at.toISOString(), actor: 'system', action: 'EMAIL_BOUNCED', detail });
    return 'bounce-recorded';
  }
  const loaded = await loadCase(caseId, deps);
  if (!noticeBounced(loaded.record, event.mail.messageId, at)) {
    await deps.cases.settle(loaded.record);
    return 'already-recorded';
  }
  // Staff first, then the case with its audit entry: a retry after a failure in between alerts twice rather than never.
  const email = await sendCaseEmail(deps, caseId, {
    to: deps.settings.staffEmails,
    email: staffNoticeBouncedEmail(staffContext(loaded, deps), { recipients, diagnostic: event.bounce.bouncedRecipients[0]?.diagnosticCode }),
    kind: 'NOTICE_BOUNCED',
  });
  const entry = { actor: 'system' as const, action: 'NOTICE_BOUNCED', detail: { ...detail, email } };
  await deps.cases.mutate(caseId, at, (current) => audited(noticeBounced(current, event.mail.messageId, at), entry), loaded.record);
  // The operations alarm counts these lines (a metric filter on this function's log group).
  logger.warn('notice bounced', { caseId, messageId: event.mail.messageId, bouncedRecipients: recipients.length });
  return 'notice-bounced';
}

/** SES publishes bounces and complaints to an SNS topic; each message is one SES event. */
export async function mailEvents(event: SnsEvent, deps: CaseMailDeps): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const record of event.Records) {
    let message: unknown;
    try {
      message = JSON.parse(record.Sns.Message);
    } catch {
      throw new Error(`SNS message ${record.Sns.MessageId ?? ''} is not JSON: it is not an SES event`);
    }
    const parsed = sesEvent.safeParse(message);
    if (!parsed.success)
      throw new Error(
        `SNS message ${record.Sns.MessageId ?? ''} is not an SES event: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
      );
    outcomes.push(await handleMailEvent(parsed.data, deps));
  }
  return outcomes;
}
