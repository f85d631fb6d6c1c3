import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './document-client.ts';

const KEY = 'send-slots';
const MAX_RESTARTS = 8;
const SECOND = 1000;

/**
 * Times at which emails may be sent so that, together, they stay within SES's maximum sending
 * rate: whole seconds from an epoch, `perSecond` sends in each, handed out in order from one
 * counter. One atomic ADD reserves any number of slots; once the counter's next second has
 * passed, it restarts from now (never within a second of the last second it gave out).
 */
export class SendSlots {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly perSecond: number,
  ) {
    if (!Number.isInteger(perSecond) || perSecond < 1) throw new RangeError(`the sending rate must be a whole number of emails a second, got ${perSecond}`);
  }

  private slots(epoch: number, first: number, count: number): Date[] {
    return Array.from({ length: count }, (_, i) => new Date(epoch + Math.floor((first + i) / this.perSecond) * SECOND));
  }

  /** `count` slots, earliest first; none earlier than `now`. */
  async reserve(count: number, now: Date): Promise<Date[]> {
    if (count < 1) return [];
    for (let attempt = 0; attempt < MAX_RESTARTS; attempt++) {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { key: KEY },
          UpdateExpression: 'ADD seq :n',
          ExpressionAttributeValues: { ':n': count },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const epoch = Attributes?.epoch as number | undefined;
      const first = (Attributes?.seq as number) - count;
      if (epoch !== undefined && epoch + Math.floor(first / this.perSecond) * SECOND >= now.getTime()) return this.slots(epoch, first, count);
      // The counter's next second has passed: restart it at now, but not within the last second
      // it gave out, unless another caller restarted it meanwhile.
      const lastGiven = epoch !== undefined && first > 0 ? epoch + Math.floor((first - 1) / this.perSecond) * SECOND : undefined;
      const restart = Math.max(now.getTime(), lastGiven === undefined ? 0 : lastGiven + SECOND);
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { key: KEY, epoch: restart, seq: count },
            ConditionExpression: epoch === undefined ? 'attribute_not_exists(epoch)' : 'epoch = :seen',
            ExpressionAttributeValues: epoch === undefined ? undefined : { ':seen': epoch },
          }),
        );
        return this.slots(restart, 0, count);
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`could not reserve ${count} send slots: the counter kept restarting; try again`);
  }
}
