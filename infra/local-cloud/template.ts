import { createHash } from 'node:crypto';

/** A stack id's UUID part, the same for the same stack: derived from what names it. */
const stackUuid = (name: string) => {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

/** A synthesized CloudFormation template, and the intrinsic functions the local cloud resolves. */
export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** A stable UUID-shaped id from a logical id, as AWS gives keys and other resources ids of that shape. */
function uuidOf(logicalId: string): string {
  const hex = createHash('sha256').update(logicalId).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface LocalNames {
  region: string;
  account: string;
  stackName: string;
}

/** The physical name and ARN each resource gets in the local cloud. */
export class TemplateResolver {
  constructor(
    readonly template: Template,
    readonly names: LocalNames,
  ) {}

  resource(logicalId: string): Resource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`the template has no resource ${logicalId}`);
    return resource;
  }

  ofType(type: string): [string, Resource][] {
    return Object.entries(this.template.Resources).filter(([, r]) => r.Type === type);
  }

  /** What `Ref` returns for a resource. */
  ref(logicalId: string): string {
    const { Type, Properties = {} } = this.resource(logicalId);
    const explicit = (key: string) => (typeof Properties[key] === 'string' ? (Properties[key] as string) : undefined);
    switch (Type) {
      case 'AWS::DynamoDB::Table':
        return explicit('TableName') ?? logicalId;
      case 'AWS::Lambda::Function':
        return explicit('FunctionName') ?? logicalId;
      case 'AWS::StepFunctions::StateMachine':
      case 'AWS::SecretsManager::Secret':
      case 'AWS::SNS::Topic':
      case 'AWS::IAM::ManagedPolicy':
        return this.arn(logicalId);
      case 'AWS::SES::ConfigurationSet':
        return explicit('Name') ?? logicalId;
      case 'AWS::SES::EmailIdentity':
        return explicit('EmailIdentity') ?? logicalId;
      case 'AWS::ApiGatewayV2::Api':
      case 'AWS::ApiGateway::RestApi':
        return logicalId.toLowerCase();
      case 'AWS::ApiGateway::Stage':
        return explicit('StageName') ?? logicalId;
      case 'AWS::IAM::Role':
        return explicit('RoleName') ?? logicalId;
      case 'AWS::IAM::User':
        return explicit('UserName') ?? logicalId;
      case 'AWS::KMS::Key':
        return uuidOf(logicalId);
      case 'AWS::Cognito::UserPool':
        return `${this.names.region}_${logicalId.replace(/[^A-Za-z0-9]/g, '').slice(0, 9)}`;
      case 'AWS::CloudWatch::Alarm':
        return explicit('AlarmName') ?? `${this.names.stackName}-${logicalId}`;
      case 'AWS::Scheduler::Schedule':
        return explicit('Name') ?? `${this.names.stackName}-${logicalId}`;
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.names.region}.amazonaws.com/${this.names.account}/${explicit('QueueName') ?? logicalId}`;
      default:
        return logicalId;
    }
  }

  arn(logicalId: string): string {
    const { region, account } = this.names;
    const { Type, Properties = {} } = this.resource(logicalId);
    const name = () => this.ref(logicalId);
    switch (Type) {
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${region}:${account}:table/${name()}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${account}:function:${name()}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${region}:${account}:stateMachine:${(Properties.StateMachineName as string | undefined) ?? logicalId}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:aws:secretsmanager:${region}:${account}:secret:${(Properties.Name as string | undefined) ?? logicalId}-local`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${account}:${(Properties.TopicName as string | undefined) ?? logicalId}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${account}:role/${name()}`;
      case 'AWS::IAM::User':
        return `arn:aws:iam::${account}:user/${name()}`;
      case 'AWS::IAM::ManagedPolicy':
        return `arn:aws:iam::${account}:policy/${(Properties.ManagedPolicyName as string | undefined) ?? logicalId}`;
      case 'AWS::KMS::Key':
        return `arn:aws:kms:${region}:${account}:key/${name()}`;
      case 'AWS::CloudWatch::Alarm':
        return `arn:aws:cloudwatch:${region}:${account}:alarm:${name()}`;
      case 'AWS::Scheduler::Schedule':
        return `arn:aws:scheduler:${region}:${account}:schedule/${(Properties.GroupName as string | undefined) ?? 'default'}/${name()}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${account}:${(Properties.QueueName as string | undefined) ?? logicalId}`;
      case 'AWS::SES::ConfigurationSet':
        return `arn:aws:ses:${region}:${account}:configuration-set/${name()}`;
      case 'AWS::SES::EmailIdentity':
        return `arn:aws:ses:${region}:${account}:identity/${String(Properties.EmailIdentity)}`;
      case 'AWS::Logs::LogGroup':
        return `arn:aws:logs:${region}:${account}:log-group:${logicalId}:*`;
      default:
        return `arn:aws:local:${region}:${account}:${logicalId}`;
    }
  }

  /** What `Fn::GetAtt` returns. */
  attribute(logicalId: string, attribute: string): string {
    if (attribute === 'Arn') return this.arn(logicalId);
    if (attribute === 'ProviderURL') return `https://cognito-idp.${this.names.region}.amazonaws.com/${this.ref(logicalId)}`;
    if (attribute === 'ApiEndpoint') return `https://${this.ref(logicalId)}.execute-api.${this.names.region}.amazonaws.com`;
    // Easy DKIM's three CNAME records of a domain identity: <token>._domainkey.<domain> -> <token>.dkim.amazonses.com.
    const dkim = /^DkimDNSToken(Name|Value)([1-3])$/.exec(attribute);
    if (dkim) {
      const token = createHash('sha256').update(`${logicalId}${dkim[2]}`).digest('hex').slice(0, 32);
      return dkim[1] === 'Name' ? `${token}._domainkey.${this.ref(logicalId)}` : `${token}.dkim.amazonses.com`;
    }
    return this.ref(logicalId);
  }

  /** Resolves Ref, Fn::GetAtt, Fn::Join, Fn::Select, Fn::Split and Fn::Sub to plain values. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0]!;
      switch (fn) {
        case 'Ref':
          return this.pseudo(arg as string) ?? this.ref(arg as string);
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : (arg as string).split('.');
          return this.attribute(id!, attribute!);
        }
        case 'Fn::Join': {
          const [separator, parts] = arg as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, unknown];
          return (this.resolve(list) as unknown[])[Number(this.resolve(index))];
        }
        case 'Fn::Split': {
          const [separator, source] = arg as [string, unknown];
          return String(this.resolve(source)).split(separator);
        }
        case 'Fn::Sub': {
          const [text, vars = {}] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [arg as string];
          return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
            if (name in vars) return String(this.resolve(vars[name]));
            const [id, attribute] = name.split('.');
            return String(attribute ? this.resolve({ 'Fn::GetAtt': [id, attribute] }) : this.resolve({ Ref: id }));
          });
        }
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  private pseudo(name: string): string | undefined {
    const { region, account, stackName } = this.names;
    const values: Record<string, string> = {
      'AWS::Region': region,
      'AWS::AccountId': account,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stackName,
      // One stack of that name in the account and region: its id is derived from them.
      'AWS::StackId': `arn:aws:cloudformation:${region}:${account}:stack/${stackName}/${stackUuid(`${region}:${account}:${stackName}`)}`,
      'AWS::NoValue': '',
    };
    return values[name];
  }
}
