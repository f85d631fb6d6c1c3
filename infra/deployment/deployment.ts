import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Policy } from '#shared/marketplace.ts';
import type { Stores } from '#shared/store/stores.ts';
import type { WorkingCalendar } from '#shared/working-days.ts';
import type { FunctionRole } from '../stack.ts';
import type { AgencyApiResponse } from './agency-api.ts';

/** An email as the local SES keeps it (AWS keeps none a tool can read). */
export interface Email {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** When SES took it, in seconds since the epoch of the local cloud's clock. */
  at: number;
}

/** The stores staff and operator tools work with. */
export type DeploymentStores = Stores<'cases' | 'audit' | 'recalls' | 'marketplaces' | 'apiKeys'>;

/**
 * A running recallguard, as staff and operator tools reach it: the local cloud on this machine,
 * or a stack deployed in AWS. The same calls work on both.
 */
export interface Deployment {
  /** How messages name it: a data directory, or the stack in an outputs file. */
  readonly name: string;
  /** Its tables, through the DynamoDB API. */
  stores(): DeploymentStores;
  /** The Step Functions API, for execution histories and task responses. */
  readonly sfn: SFNClient;
  /** Invokes one of its functions by role (RequestResponse) and returns the result. */
  invoke(role: FunctionRole, event: unknown): Promise<unknown>;
  /** Where marketplaces answer (the response links start with it). */
  readonly responseUrl: string | undefined;
  /** Calls one of the API's IAM-authorized routes (/v1/agency/...), signed (SigV4) with its clients' credentials. */
  agencyApi(method: 'POST' | 'GET', path: string, body?: unknown): Promise<AgencyApiResponse>;
  /** The emails it sent, where they can be read (the local SES); AWS keeps none. */
  emails?(): Promise<Email[]>;
  /** Waits until the work it started has run as far as it can now (the local cloud's clock settles); AWS runs on by itself. */
  settle?(): Promise<void>;
  /** Its time: the local cloud's virtual clock, or the real one. */
  now(): Date;
  /** The ladder of marketplaces whose entry leaves numbers out. */
  readonly defaultPolicy: Policy;
  /** Its working days: the federal holidays and the agency's closure days. */
  readonly calendar: WorkingCalendar;
  close(): Promise<void>;
}
