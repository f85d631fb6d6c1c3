import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { LambdaIntegration } from 'aws-cdk-lib/aws-apigateway';
import {
  AccountRecovery,
  CfnUserPoolClient,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { staffConsoleEnv } from '#functions/staff-console/env.ts';
import { STAFF_ROLES } from '#shared/store/session-store.ts';
import type { AppConfig } from '../config.ts';
import { listApiKeys, readHistories, tableActions, type Binding, type Grant } from './bindings.ts';
import { HandlerFunction } from './handler-function.ts';
import type { ResponseApi } from './response-api.ts';
import type { Tables } from './tables.ts';

export interface StaffConsoleProps {
  tables: Tables;
  api: ResponseApi;
  /** Where staff open it: the stage's console/, or its own domain's. */
  url: string;
  /** The functions the console's actions invoke: each checks the session passed again. */
  actions: { staffDecision: IFunction; reportRelisting: IFunction; reissueLink: IFunction; marketplaceAdmin: IFunction };
  /** The state machines whose executions a case page shows. */
  stateMachineArns: string[];
  config: AppConfig;
}

/** Sessions kept, renewed and ended, and listed for an administrator (a small table: everything in it expires within 12 hours). */
const keepSessions = tableActions('GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Scan');
/** What the console reads, and how: lists are scans, a case's log is a query, the rest are gets. */
const readCases = tableActions('GetItem', 'Query', 'Scan');
const readAudit = tableActions('Query');
const readMarketplaces = tableActions('GetItem', 'Scan');
const readRecalls = tableActions('GetItem');

/** How the console reaches its identity provider. */
interface ProviderEnvironment {
  OIDC_ISSUER: string;
  OIDC_CLIENT_ID: string;
  OIDC_CLIENT_AUTH: 'none' | 'client_secret_basic' | 'private_key_jwt';
  OIDC_CLIENT_SECRET_ARN?: Binding;
  OIDC_ROLES_CLAIM: string;
  OIDC_ROLE_GROUPS: string;
  OIDC_SCOPES: string;
  OIDC_PROVIDER_NAME: string;
  OIDC_REQUIRED_ACR?: string;
  OIDC_REQUIRED_AMR?: string;
  OIDC_LOGOUT_URL?: string;
}

/** Leave to invoke the console's action functions. */
const invokes =
  (...functions: IFunction[]): Grant =>
  (grantee) => {
    for (const fn of functions) fn.grantInvoke(grantee);
  };

/**
 * The staff console, served by one function behind the API's /console routes: staff sign in with
 * OpenID Connect (a Cognito user pool the stack creates, MFA required and no self sign-up, or the
 * agency's own provider set in cdk.json), sessions live in their own table with TTL, and every
 * change goes through the function that makes it, which checks the session again.
 */
export class StaffConsole extends Construct {
  readonly handler: HandlerFunction<typeof staffConsoleEnv>;
  readonly userPool: UserPool | undefined;
  /** Where staff open the console: https://<api>/live/console/. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: StaffConsoleProps) {
    super(scope, id);
    const { tables, config, actions } = props;
    this.url = props.url;
    const provider = config.identityProvider ? this.externalProvider(config.identityProvider) : this.cognito(config);
    this.userPool = provider.userPool;
    this.handler = new HandlerFunction(this, 'Handler', {
      name: 'staff-console',
      environmentSchema: staffConsoleEnv,
      environment: {
        CASES_TABLE: readCases(tables.cases),
        RECALLS_TABLE: readRecalls(tables.recalls),
        MARKETPLACES_TABLE: readMarketplaces(tables.marketplaces),
        AUDIT_TABLE: readAudit(tables.audit),
        API_KEYS_TABLE: listApiKeys(tables.apiKeys),
        SESSIONS_TABLE: keepSessions(tables.sessions),
        CONSOLE_URL: this.url,
        ...provider.environment,
        STAFF_DECISION_FUNCTION: actions.staffDecision.functionName,
        REPORT_RELISTING_FUNCTION: actions.reportRelisting.functionName,
        REISSUE_LINK_FUNCTION: actions.reissueLink.functionName,
        MARKETPLACE_ADMIN_FUNCTION: actions.marketplaceAdmin.functionName,
        AGENCY_NAME: config.agencyName,
        STAFF_EMAILS: config.staffEmails.join(','),
        CLOSURE_DAYS: config.closureDays.join(','),
        TRUSTED_LINK_HOSTS: config.trustedLinkHosts.join(','),
      },
      grants: [readHistories(props.stateMachineArns), invokes(...Object.values(actions))],
      timeout: Duration.seconds(29),
      memorySize: 512,
    });
    NagSuppressions.addResourceSuppressions(
      this.handler.role!,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            "A case's executions are named by the case (one per case, relisting and stay-down period), so the history it shows is any execution of the two workflows; Lambda's grantInvoke adds each action function's versions (:*).",
          appliesTo: [
            { regex: '/^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:RecallGuard-(case|staydown):\\*$/g' },
            { regex: '/^Resource::<(StaffDecision|StaffReportRelisting|StaffMarketplaceAdmin|CaseMailReissueLink)[A-Za-z0-9]+\\.Arn>:\\*$/g' },
          ],
        },
      ],
      true,
    );
    this.serve(props.api);
  }

  /** The console's routes on the API: its root and everything under it, authorized by the console itself. */
  private serve(api: ResponseApi): void {
    const pages = new LambdaIntegration(this.handler);
    const root = api.api.root.addResource('console');
    root.addMethod('GET', pages);
    const proxy = root.addResource('{proxy+}');
    proxy.addMethod('GET', pages);
    proxy.addMethod('POST', pages);
    for (const resource of [root, proxy]) {
      NagSuppressions.addResourceSuppressions(
        resource,
        [
          {
            id: 'AwsSolutions-APIG4',
            reason:
              'The console authorizes each request itself: a server-side session from an OpenID Connect sign-in (PKCE), its role checked on every request, a CSRF token on every POST; the sign-in pages must be reachable signed out.',
          },
          {
            id: 'AwsSolutions-COG4',
            reason:
              'The console signs staff in itself (OpenID Connect, authorization code with PKCE, against the Cognito user pool or the agency provider) and checks the server-side session and role on every request; a Cognito authorizer would shut out an agency provider and cannot serve the sign-in pages.',
          },
        ],
        true,
      );
    }
  }

  /** The user pool staff sign in with when the agency brings no provider of its own. */
  private cognito(config: AppConfig): { environment: ProviderEnvironment; userPool: UserPool } {
    const stack = Stack.of(this);
    const userPool = new UserPool(this, 'Staff', {
      userPoolName: `${stack.stackName}-staff`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: false } },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 14,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of STAFF_ROLES) {
      new CfnUserPoolGroup(this, `Group-${role}`, { userPoolId: userPool.userPoolId, groupName: role, description: ROLE_DESCRIPTIONS[role] });
    }
    const domain = userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: config.cognitoDomainPrefix ?? `recallguard-${stack.account}` } });
    const client = this.consoleClient(userPool);
    return {
      userPool,
      environment: {
        OIDC_ISSUER: userPool.userPoolProviderUrl,
        OIDC_CLIENT_ID: client.userPoolClientId,
        OIDC_CLIENT_AUTH: 'none',
        OIDC_ROLES_CLAIM: 'cognito:groups',
        OIDC_ROLE_GROUPS: JSON.stringify(Object.fromEntries(STAFF_ROLES.map((r) => [r, r]))),
        OIDC_SCOPES: 'openid email profile',
        OIDC_PROVIDER_NAME: 'your agency account',
        // Cognito publishes no end_session_endpoint: its /logout ends its session.
        OIDC_LOGOUT_URL: `${domain.baseUrl()}/logout`,
      },
    };
  }

  /** The console's app client: a public client with PKCE, the code flow and its refresh tokens only. */
  private consoleClient(userPool: UserPool): UserPoolClient {
    const client = new UserPoolClient(this, 'Console', {
      userPool,
      // A public client with PKCE: the console holds no client secret that could leak.
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${this.url}callback`],
        logoutUrls: [`${this.url}sign-in?signedOut=1`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.minutes(60),
      accessTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
    });
    // The code flow, and the refresh tokens it issues (the console asks again for roles with them):
    // no password (SRP) or custom authentication flows, which the console never uses.
    (client.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    return client;
  }

  /** The agency's own provider, as cdk.json names it; its client secret or private key stays in Secrets Manager. */
  private externalProvider(idp: NonNullable<AppConfig['identityProvider']>): { environment: ProviderEnvironment; userPool: undefined } {
    const secret = idp.clientSecretArn ? Secret.fromSecretCompleteArn(this, 'ClientCredential', idp.clientSecretArn) : undefined;
    return {
      userPool: undefined,
      environment: {
        OIDC_ISSUER: idp.issuer,
        OIDC_CLIENT_ID: idp.clientId,
        OIDC_CLIENT_AUTH: idp.clientAuth,
        ...(secret ? { OIDC_CLIENT_SECRET_ARN: { value: secret.secretArn, grant: (g) => secret.grantRead(g) } } : {}),
        OIDC_ROLES_CLAIM: idp.rolesClaim,
        OIDC_ROLE_GROUPS: JSON.stringify(idp.roleGroups),
        OIDC_SCOPES: idp.scopes,
        OIDC_PROVIDER_NAME: idp.name,
        OIDC_REQUIRED_ACR: idp.requiredAcr.join(','),
        OIDC_REQUIRED_AMR: idp.requiredAmr.join(','),
      },
    };
  }
}

const ROLE_DESCRIPTIONS = {
  viewer: 'Reads every case, timeline, scorecard and digest',
  decider: 'Decides disputes and extensions, closes cases, reports relistings',
  admin: 'Administers marketplaces, their API keys, and re-issues response links',
} as const;
