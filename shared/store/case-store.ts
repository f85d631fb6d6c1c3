import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord, CaseStatus } from '../case.ts';
import { keyed, type AuditAction, type DynamoAuditLog } from './audit-log.ts';
import { isConditionFailure } from './document-client.ts';

/** A change to a case: fields to set and fields to remove, and what its audit entries say. */
export interface CasePatch {
  set?: Partial<CaseRecord>;
  remove?: (keyof CaseRecord)[];
  /** Written with the change, in the case's outbox, then to the audit log: never one without the other. */
  audit?: AuditAction[];
}

/** What a workflow waits for: the marketplace's answer, a staff decision, or a stay-down check's answer. */
export type TokenFor = 'marketplace' | 'staff' | 'attestation';

export interface Mutation {
  record: CaseRecord;
  /** False when the change function found nothing to do. */
  changed: boolean;
}

export interface CaseStore {
  get(caseId: string): Promise<CaseRecord | undefined>;
  /** Creates the case unless it exists; returns the stored record either way. */
  open(init: Pick<CaseRecord, 'caseId' | 'recallNumber' | 'marketplaceId' | 'executionId'>, at: Date): Promise<CaseRecord>;
  /**
   * Applies `change` to the current record, guarded by its version: if another writer got
   * there first, `change` runs again on what they wrote. `change` returns undefined to do nothing.
   * `known`, a record the caller has just read, saves reading it again. The change's audit
   * entries go in the same write (the case's outbox) and then to the log; whatever an earlier
   * change left in the outbox is in the log before it is replaced, or when nothing changes (a
   * retry), so a crash between the two writes never loses an entry.
   */
  mutate(caseId: string, at: Date, change: (current: CaseRecord) => CasePatch | undefined, known?: CaseRecord): Promise<Mutation>;
  /** Makes sure the audit entries of the record's last change are in the log: what a retry that finds nothing to change does. */
  settle(record: CaseRecord): Promise<void>;
  /** Every case, in case id order. */
  list(): Promise<CaseRecord[]>;
  /** The cases in one status, earliest deadline first (the byStatus index). */
  withStatus(status: CaseStatus): Promise<CaseRecord[]>;
  /**
   * One page of a marketplace's cases, oldest first, optionally only those in `statuses`.
   * `after` is the `next` of the page before; a page may hold fewer than `limit` when filtered.
   */
  ofMarketplace(
    marketplaceId: string,
    page: { limit: number; after?: string; statuses?: readonly CaseStatus[] },
  ): Promise<{ records: CaseRecord[]; next?: string }>;
  /**
   * Stores the workflow's current task token in one write, whatever else changed meanwhile
   * (the token is only ever replaced by a newer one). `changed` is false when it was there.
   */
  storeToken(caseId: string, taskToken: string, tokenFor: TokenFor, at: Date): Promise<Mutation>;
}

const MAX_CONFLICTS = 8;

export class BadPageToken extends Error {}

function pageKey(token: string, marketplaceId: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (
      key &&
      typeof key === 'object' &&
      !Array.isArray(key) &&
      Object.values(key).every((v) => typeof v === 'string') &&
      (key as { marketplaceId?: unknown }).marketplaceId === marketplaceId
    ) {
      return key as Record<string, unknown>;
    }
  } catch {
    // falls through to the error below
  }
  throw new BadPageToken('nextToken is not one this API gave');
}

export class DynamoCaseStore implements CaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** The audit log that changes with entries write to; a store without one takes no such change. */
    private readonly audit?: DynamoAuditLog,
  ) {}

  async get(caseId: string): Promise<CaseRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.table, Key: { caseId }, ConsistentRead: true }));
    return Item as CaseRecord | undefined;
  }

  async open(init: Pick<CaseRecord, 'caseId' | 'recallNumber' | 'marketplaceId' | 'executionId'>, at: Date): Promise<CaseRecord> {
    const record: CaseRecord = { ...init, status: 'NOTIFIED', openedAt: at.toISOString(), updatedAt: at.toISOString(), version: 1 };
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(caseId)' }));
      return record;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.get(init.caseId);
      if (!existing) throw new Error(`case ${init.caseId} exists and does not: the table is inconsistent`);
      return existing;
    }
  }

  async list(): Promise<CaseRecord[]> {
    const records: CaseRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey: startKey, ConsistentRead: true }));
      records.push(...((page.Items ?? []) as CaseRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records.sort((a, b) => a.caseId.localeCompare(b.caseId));
  }

  async withStatus(status: CaseStatus): Promise<CaseRecord[]> {
    const records: CaseRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byStatus',
          KeyConditionExpression: '#status = :s',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':s': status },
          ExclusiveStartKey: startKey,
        }),
      );
      records.push(...((page.Items ?? []) as CaseRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  async ofMarketplace(
    marketplaceId: string,
    page: { limit: number; after?: string; statuses?: readonly CaseStatus[] },
  ): Promise<{ records: CaseRecord[]; next?: string }> {
    const statuses = page.statuses ?? [];
    const values: Record<string, unknown> = { ':m': marketplaceId };
    statuses.forEach((s, i) => (values[`:s${i}`] = s));
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'byMarketplace',
        KeyConditionExpression: 'marketplaceId = :m',
        ...(statuses.length
          ? { FilterExpression: `#status IN (${statuses.map((_, i) => `:s${i}`).join(', ')})`, ExpressionAttributeNames: { '#status': 'status' } }
          : {}),
        ExpressionAttributeValues: values,
        Limit: page.limit,
        ExclusiveStartKey: page.after ? pageKey(page.after, marketplaceId) : undefined,
      }),
    );
    return {
      records: (result.Items ?? []) as CaseRecord[],
      next: result.LastEvaluatedKey ? Buffer.from(JSON.stringify(result.LastEvaluatedKey)).toString('base64url') : undefined,
    };
  }

  async storeToken(caseId: string, taskToken: string, tokenFor: TokenFor, at: Date): Promise<Mutation> {
    // A stay-down check's wait has a token of its own: the case's workflow may be waiting too (a relisting).
    const [field, extra] = tokenFor === 'attestation' ? ['checkToken', ''] : ['taskToken', ', tokenFor = :f'];
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { caseId },
          UpdateExpression: `SET #token = :t${extra}, updatedAt = :at ADD version :one`,
          ConditionExpression: 'attribute_exists(caseId) AND (attribute_not_exists(#token) OR #token <> :t)',
          ExpressionAttributeNames: { '#token': field },
          ExpressionAttributeValues: { ':t': taskToken, ...(extra ? { ':f': tokenFor } : {}), ':at': at.toISOString(), ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { record: Attributes as CaseRecord, changed: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const record = await this.get(caseId);
      if (!record) throw new Error(`case ${caseId} does not exist`);
      return { record, changed: false };
    }
  }

  async mutate(caseId: string, at: Date, change: (current: CaseRecord) => CasePatch | undefined, known?: CaseRecord): Promise<Mutation> {
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const current = attempt === 0 && known?.caseId === caseId ? known : await this.get(caseId);
      if (!current) throw new Error(`case ${caseId} does not exist`);
      // What the last change left undone goes to the log first, even when this change is refused.
      await this.settle(current);
      const patch = change(current);
      if (!patch) return { record: current, changed: false };
      const entries = (patch.audit ?? []).map((entry) => keyed({ subject: caseId, at: at.toISOString(), ...entry }));
      const outbox: CasePatch = entries.length ? { set: { auditOutbox: entries } } : current.auditOutbox ? { remove: ['auditOutbox'] } : {};
      const record = await this.update(current, at, { set: { ...patch.set, ...outbox.set }, remove: [...(patch.remove ?? []), ...(outbox.remove ?? [])] });
      if (!record) continue;
      if (entries.length) await this.auditLog().write(entries);
      return { record, changed: true };
    }
    throw new Error(`case ${caseId} kept changing under ${MAX_CONFLICTS} attempts to update it; try again`);
  }

  async settle(record: CaseRecord): Promise<void> {
    if (record.auditOutbox?.length) await this.auditLog().ensure(record.auditOutbox);
  }

  private auditLog(): DynamoAuditLog {
    if (!this.audit) throw new Error(`the case store of ${this.table} has no audit log: a change with audit entries needs one`);
    return this.audit;
  }

  /** One guarded write of a patch; undefined when another writer changed the case first. */
  private async update(current: CaseRecord, at: Date, patch: CasePatch): Promise<CaseRecord | undefined> {
    const sets = { ...patch.set, updatedAt: at.toISOString(), version: current.version + 1 };
    const names: Record<string, string> = { '#version': 'version' };
    const values: Record<string, unknown> = { ':seen': current.version };
    const assignments = Object.entries(sets).map(([field, value], i) => {
      names[`#s${i}`] = field;
      values[`:s${i}`] = value;
      return `#s${i} = :s${i}`;
    });
    const removals = (patch.remove ?? []).map((field, i) => {
      names[`#r${i}`] = field;
      return `#r${i}`;
    });
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { caseId: current.caseId },
          UpdateExpression: `SET ${assignments.join(', ')}${removals.length ? ` REMOVE ${removals.join(', ')}` : ''}`,
          ConditionExpression: '#version = :seen',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as CaseRecord;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return undefined;
    }
  }
}
