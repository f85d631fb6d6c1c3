import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Email } from './emails/render.ts';

export interface Outgoing extends Email {
  to: string[];
  cc?: string[];
  /** SES message tags, returned in bounce and complaint events (values: letters, digits, _ - . @). */
  tags?: Record<string, string>;
}

export interface Mailer {
  /** Sends one email; returns the provider's message id. */
  send(mail: Outgoing): Promise<string>;
}

export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
  ) {}

  async send(mail: Outgoing): Promise<string> {
    const { MessageId } = await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: mail.to, CcAddresses: mail.cc?.length ? mail.cc : undefined },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' }, Html: { Data: mail.html, Charset: 'UTF-8' } },
          },
        },
        ConfigurationSetName: this.configurationSet,
        EmailTags: mail.tags ? Object.entries(mail.tags).map(([Name, Value]) => ({ Name, Value: Value.replace(/[^A-Za-z0-9_.@-]/g, '_') })) : undefined,
      }),
    );
    if (!MessageId) throw new Error('SES accepted the email but returned no message id');
    return MessageId;
  }
}
