import { ConfigurationSet, EmailIdentity, EmailSendingEvent, EventDestination, Identity } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/**
 * The sender identity and the configuration set every email goes out through. The set
 * publishes bounces and complaints to a topic, which the mail-events function reads.
 */
export class Mail extends Construct {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly events: Topic;

  constructor(scope: Construct, id: string, props: { senderEmail: string; key: IKey }) {
    super(scope, id);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet');
    this.identity = new EmailIdentity(this, 'Sender', {
      identity: Identity.email(props.senderEmail),
      configurationSet: this.configurationSet,
    });
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
