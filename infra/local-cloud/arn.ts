/** The parts of an ARN: arn:partition:service:region:account:resource. */
export interface Arn {
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string): Arn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, , service, region, account, ...resource] = parts as [string, string, string, string, string, ...string[]];
  return { service, region, account, resource: resource.join(':') };
}

/**
 * The function a name or ARN names, as Lambda takes it in FunctionName or an integration's
 * URI: `name`, `arn:aws:lambda:region:account:function:name[:qualifier]`, or an API Gateway
 * integration URI that ends with `/functions/<function arn>/invocations`.
 */
export function functionNameOf(nameOrArn: string): string {
  const integration = /\/functions\/(.+)\/invocations$/.exec(nameOrArn);
  const arn = parseArn(integration ? integration[1]! : nameOrArn);
  if (!arn) return nameOrArn;
  const [kind, name] = arn.resource.split(':');
  if (arn.service !== 'lambda' || kind !== 'function' || !name) throw new Error(`${nameOrArn} names no Lambda function`);
  return name;
}
