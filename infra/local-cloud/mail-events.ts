import { randomUUID } from 'node:crypto';
import { functionNameOf } from './arn.ts';
import type { TemplateResolver } from './template.ts';

/** An email the local SES accepted, as its thread describes it. */
export interface SentEmail {
  messageId: string;
  from: string;
  destination: string[];
  configurationSet?: string;
  tags: Record<string, string[]>;
}

/** Where a configuration set publishes which events: the template's event destinations and SNS subscriptions. */
export interface MailEventRoute {
  configurationSet: string;
  events: Set<string>;
  topicArn: string;
  functionName: string;
}

/** SES's mailbox simulator: mail to these addresses bounces or draws a complaint, as on AWS. */
const SIMULATOR = {
  bounce: 'bounce@simulator.amazonses.com',
  complaint: 'complaint@simulator.amazonses.com',
} as const;

export function mailEventRoutes(resolver: TemplateResolver): MailEventRoute[] {
  const subscriptions = resolver.ofType('AWS::SNS::Subscription').map(([, s]) => s.Properties ?? {});
  return resolver.ofType('AWS::SES::ConfigurationSetEventDestination').flatMap(([, d]) => {
    const destination = d.Properties?.EventDestination as
      { Enabled?: boolean; MatchingEventTypes?: string[]; SnsDestination?: { TopicARN: unknown } } | undefined;
    if (!destination?.SnsDestination || destination.Enabled === false) return [];
    const topicArn = String(resolver.resolve(destination.SnsDestination.TopicARN));
    const configurationSet = String(resolver.resolve(d.Properties!.ConfigurationSetName));
    return subscriptions
      .filter((s) => s.Protocol === 'lambda' && String(resolver.resolve(s.TopicArn)) === topicArn)
      .map((s) => ({
        configurationSet,
        events: new Set((destination.MatchingEventTypes ?? []).map((e) => e.toLowerCase())),
        topicArn,
        functionName: functionNameOf(String(resolver.resolve(s.Endpoint))),
      }));
  });
}

/** The SES events an email to the mailbox simulator draws: a permanent bounce, a complaint, or both. */
function simulatorEvents(sent: SentEmail, timestamp: string): { type: string; body: Record<string, unknown> }[] {
  const bounced = sent.destination.filter((a) => a.toLowerCase() === SIMULATOR.bounce);
  const complained = sent.destination.filter((a) => a.toLowerCase() === SIMULATOR.complaint);
  const mail = {
    timestamp,
    source: sent.from,
    messageId: sent.messageId,
    destination: sent.destination,
    tags: { ...sent.tags, ...(sent.configurationSet ? { 'ses:configuration-set': [sent.configurationSet] } : {}) },
  };
  const recipient = (emailAddress: string) => ({ emailAddress, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' });
  const bounce = { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: bounced.map(recipient), timestamp, feedbackId: randomUUID() };
  const complaint = {
    complainedRecipients: complained.map((emailAddress) => ({ emailAddress })),
    complaintFeedbackType: 'abuse',
    timestamp,
    feedbackId: randomUUID(),
  };
  return [
    ...(bounced.length ? [{ type: 'bounce', body: { eventType: 'Bounce', bounce, mail } }] : []),
    ...(complained.length ? [{ type: 'complaint', body: { eventType: 'Complaint', complaint, mail } }] : []),
  ];
}

/** The SNS deliveries SES would make for an email sent to the mailbox simulator, each with the route it takes. */
export function mailEventsFor(sent: SentEmail, routes: MailEventRoute[], at: Date): { route: MailEventRoute; event: unknown }[] {
  const timestamp = at.toISOString();
  return simulatorEvents(sent, timestamp).flatMap(({ type, body }) =>
    routes
      .filter((r) => r.configurationSet === sent.configurationSet && r.events.has(type))
      .map((r) => ({
        route: r,
        event: {
          Records: [
            {
              EventSource: 'aws:sns',
              EventVersion: '1.0',
              EventSubscriptionArn: `${r.topicArn}:${randomUUID()}`,
              Sns: { Type: 'Notification', MessageId: randomUUID(), TopicArn: r.topicArn, Subject: null, Message: JSON.stringify(body), Timestamp: timestamp },
            },
          ],
        },
      })),
  );
}
