import { ArnFormat, CfnOutput, Stack } from 'aws-cdk-lib';
import { ConfigurationSet, EmailIdentity, EmailSendingEvent, EventDestination, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { AppConfig } from '../config.ts';

/**
 * The sender identity and the configuration set every email goes out through. The identity is
 * the sender's domain with Easy DKIM (its three CNAME records are stack outputs), the sender
 * address alone, or one the account already has. The set publishes bounces and complaints to a
 * topic, which the mail-events function reads.
 */
export class Mail extends Construct {
  /** The identity's name (a domain or an address) and ARN, and the configuration set's ARN: SES authorizes a send on both. */
  readonly identityName: string;
  readonly identityArn: string;
  readonly configurationSet: ConfigurationSet;
  readonly configurationSetArn: string;
  readonly events: Topic;

  constructor(scope: Construct, id: string, props: { senderEmail: string; senderIdentity: AppConfig['senderIdentity']; key: IKey }) {
    super(scope, id);
    const stack = Stack.of(this);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet');
    const { senderIdentity, senderEmail } = props;
    const name = typeof senderIdentity === 'object' ? senderIdentity.existing : senderIdentity === 'domain' ? senderEmail.split('@')[1]! : senderEmail;
    if (typeof senderIdentity === 'string') {
      const identity = new EmailIdentity(this, 'Sender', {
        identity: senderIdentity === 'domain' ? Identity.domain(name) : Identity.email(name),
        configurationSet: this.configurationSet,
      });
      if (senderIdentity === 'domain') {
        identity.dkimRecords.forEach((record, i) => {
          new CfnOutput(stack, `DkimRecord${i + 1}`, {
            value: `${record.name} CNAME ${record.value}`,
            description: `Easy DKIM record ${i + 1} of ${name}: publish it in its DNS`,
          });
        });
      }
    }
    const arn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'ses', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.identityName = name;
    this.identityArn = arn('identity', name);
    this.configurationSetArn = arn('configuration-set', this.configurationSet.configurationSetName);
    this.events = new Topic(this, 'Events', { displayName: 'recallguard: SES bounces and complaints', enforceSSL: true, masterKey: props.key });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.snsTopic(this.events),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
  }

  /** Hands every bounce and complaint to `handler`. */
  deliverEventsTo(handler: IFunction): void {
    this.events.addSubscription(new LambdaSubscription(handler));
  }
}
