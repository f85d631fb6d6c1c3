import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AWAITING_STATUSES, STATUS_OF_ANSWER, type Answer, type CaseRecord, type CaseStatus } from '../case.ts';
import { isConditionFailure } from './document-client.ts';

export type AnswerOutcome = { recorded: true; record: CaseRecord } | { recorded: false; record: CaseRecord };

export interface CaseStore {
  get(caseId: string): Promise<CaseRecord | undefined>;
  /** Creates the case unless it exists; returns the stored record either way. */
  open(init: Pick<CaseRecord, 'caseId' | 'recallNumber' | 'marketplaceId' | 'executionId'>, at: Date): Promise<CaseRecord>;
  recordNotice(caseId: string, notice: { sentAt: Date; messageId: string; deadline: Date }): Promise<CaseRecord>;
  storeToken(caseId: string, taskToken: string, at: Date): Promise<CaseRecord>;
  /** Records the first answer only; a second one leaves the record as it was. */
  recordAnswer(caseId: string, answer: Answer, at: Date): Promise<AnswerOutcome>;
  markAnswerDelivered(caseId: string, at: Date): Promise<void>;
  /** Moves the case to `to` if it is in one of `from`; returns undefined when it was not. */
  transition(caseId: string, from: readonly CaseStatus[], to: CaseStatus, at: Date, extra?: Partial<CaseRecord>): Promise<CaseRecord | undefined>;
}

export class DynamoCaseStore implements CaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(caseId: string): Promise<CaseRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { caseId }, ConsistentRead: true }));
    return Item as CaseRecord | undefined;
  }

  private async require(caseId: string): Promise<CaseRecord> {
    const record = await this.get(caseId);
    if (!record) throw new Error(`case ${caseId} does not exist`);
    return record;
  }

  async open(init: Pick<CaseRecord, 'caseId' | 'recallNumber' | 'marketplaceId' | 'executionId'>, at: Date): Promise<CaseRecord> {
    const record: CaseRecord = { ...init, status: 'NOTIFIED', openedAt: at.toISOString(), updatedAt: at.toISOString() };
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(caseId)' }));
      return record;
    } catch (error) {
      if (isConditionFailure(error)) return this.require(init.caseId);
      throw error;
    }
  }

  private async update(caseId: string, sets: Record<string, unknown>, condition?: { expression: string; values: Record<string, unknown> }): Promise<CaseRecord> {
    const names: Record<string, string> = condition ? { '#status': 'status' } : {};
    const values: Record<string, unknown> = { ...condition?.values };
    const assignments = Object.entries(sets).map(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { caseId },
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ConditionExpression: condition ? `attribute_exists(caseId) AND (${condition.expression})` : 'attribute_exists(caseId)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes as CaseRecord;
  }

  recordNotice(caseId: string, notice: { sentAt: Date; messageId: string; deadline: Date }): Promise<CaseRecord> {
    return this.update(caseId, {
      noticeSentAt: notice.sentAt.toISOString(),
      noticeMessageId: notice.messageId,
      deadline: notice.deadline.toISOString(),
      updatedAt: notice.sentAt.toISOString(),
    });
  }

  storeToken(caseId: string, taskToken: string, at: Date): Promise<CaseRecord> {
    return this.update(caseId, { taskToken, updatedAt: at.toISOString() });
  }

  async recordAnswer(caseId: string, answer: Answer, at: Date): Promise<AnswerOutcome> {
    const current = await this.require(caseId);
    const awaiting = AWAITING_STATUSES.includes(current.status);
    const onTime = awaiting && (!current.deadline || at.getTime() <= Date.parse(current.deadline));
    const sets: Record<string, unknown> = { answer, answeredAt: at.toISOString(), answerOnTime: onTime, updatedAt: at.toISOString() };
    // An answer to a case that has already ended is kept as late; the status stays as it was.
    if (awaiting) sets.status = STATUS_OF_ANSWER[answer.answer];
    try {
      const record = await this.update(caseId, sets, { expression: 'attribute_not_exists(answer) AND #status = :seen', values: { ':seen': current.status } });
      return { recorded: true, record };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const record = await this.require(caseId);
      if (record.answer) return { recorded: false, record };
      return this.recordAnswer(caseId, answer, at);
    }
  }

  async markAnswerDelivered(caseId: string, at: Date): Promise<void> {
    await this.update(caseId, { answerDelivered: true, updatedAt: at.toISOString() });
  }

  async transition(caseId: string, from: readonly CaseStatus[], to: CaseStatus, at: Date, extra: Partial<CaseRecord> = {}): Promise<CaseRecord | undefined> {
    const values = Object.fromEntries(from.map((s, i) => [`:from${i}`, s]));
    try {
      return await this.update(caseId, { ...extra, status: to, updatedAt: at.toISOString() }, { expression: `#status IN (${Object.keys(values).join(', ')})`, values });
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
