import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption, type TableProps } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { KEYS_BY_MARKETPLACE } from '#shared/store/api-key-store.ts';

const durable: Partial<TableProps> = {
  billingMode: BillingMode.PAY_PER_REQUEST,
  encryption: TableEncryption.AWS_MANAGED,
  pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  deletionProtection: true,
  removalPolicy: RemovalPolicy.RETAIN,
};

/** The product's DynamoDB tables: recalls, marketplaces, cases, the audit log, quarantine, bookkeeping and API keys. */
export class Tables extends Construct {
  readonly recalls: Table;
  readonly marketplaces: Table;
  readonly cases: Table;
  readonly audit: Table;
  readonly quarantine: Table;
  /**
   * The system's own bookkeeping: ingestion's hash index, pending workflow starts and API
   * watermark, the send-slot counter that keeps emails within SES's sending rate, and the daily
   * counts of refused requests (which expire after 90 days).
   */
  readonly bookkeeping: Table;
  /** Marketplaces' API keys, by SHA-256 (the keys themselves are never stored), and by marketplace. */
  readonly apiKeys: Table;
  /** The staff console's sessions and sign-ins under way (by SHA-256 of their tokens), deleted by TTL once ended. */
  readonly sessions: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.recalls = new Table(this, 'Recalls', { ...durable, partitionKey: { name: 'recallNumber', type: AttributeType.STRING } });
    this.marketplaces = new Table(this, 'Marketplaces', { ...durable, partitionKey: { name: 'id', type: AttributeType.STRING } });
    this.cases = new Table(this, 'Cases', { ...durable, partitionKey: { name: 'caseId', type: AttributeType.STRING } });
    this.cases.addGlobalSecondaryIndex({
      indexName: 'byStatus',
      partitionKey: { name: 'status', type: AttributeType.STRING },
      sortKey: { name: 'deadline', type: AttributeType.STRING },
    });
    this.cases.addGlobalSecondaryIndex({
      indexName: 'byMarketplace',
      partitionKey: { name: 'marketplaceId', type: AttributeType.STRING },
      sortKey: { name: 'openedAt', type: AttributeType.STRING },
    });
    // Each subject's log: a case id, or recall-<number> for changes to the recall itself.
    this.audit = new Table(this, 'AuditLog', {
      ...durable,
      partitionKey: { name: 'subject', type: AttributeType.STRING },
      sortKey: { name: 'entryKey', type: AttributeType.STRING },
    });
    this.quarantine = new Table(this, 'Quarantine', {
      ...durable,
      partitionKey: { name: 'batchId', type: AttributeType.STRING },
      sortKey: { name: 'entry', type: AttributeType.STRING },
    });
    // Refusal counts carry an expiry (expiresAt); the other bookkeeping items never expire.
    this.bookkeeping = new Table(this, 'Bookkeeping', {
      ...durable,
      partitionKey: { name: 'key', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
    });
    // A key's item by its hash, and its id's item (id#<keyId>, which keeps ids unique and finds a key by id).
    this.apiKeys = new Table(this, 'ApiKeys', { ...durable, partitionKey: { name: 'keyHash', type: AttributeType.STRING } });
    this.apiKeys.addGlobalSecondaryIndex({
      indexName: KEYS_BY_MARKETPLACE,
      partitionKey: { name: 'marketplaceId', type: AttributeType.STRING },
      sortKey: { name: 'createdAt', type: AttributeType.STRING },
    });
    // Worth nothing after the stack is gone: staff sign in again.
    this.sessions = new Table(this, 'Sessions', {
      ...durable,
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
      partitionKey: { name: 'key', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
    });
  }
}
