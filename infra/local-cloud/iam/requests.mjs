// What a DynamoDB or SES request asks, as IAM sees it: the action, every resource it touches (as
// the service authorization reference names them) and the request's own condition keys.

const tableArn = (name, where) => (name.startsWith('arn:') ? name : `arn:aws:dynamodb:${where.region}:${where.account}:table/${name}`);

/**
 * A DynamoDB JSON request (`X-Amz-Target: DynamoDB_20120810.<Operation>`): `{ action, resources,
 * context }`, or `{ unsupported }` for a transaction (IAM authorizes each of its items as its own
 * action; dynalite has no transactions either).
 */
export function dynamodbRequest(target, body, where) {
  const operation = target.split('.').pop() ?? '';
  if (body.TransactItems) return { unsupported: operation };
  const action = `dynamodb:${operation}`;
  const context = Object.fromEntries(
    [
      ['dynamodb:Select', body.Select],
      ['dynamodb:ReturnValues', body.ReturnValues],
      ['dynamodb:ReturnConsumedCapacity', body.ReturnConsumedCapacity],
    ].filter(([, value]) => typeof value === 'string'),
  );
  if (body.RequestItems) return { action, resources: Object.keys(body.RequestItems).map((t) => tableArn(t, where)), context };
  if (typeof body.TableName === 'string') {
    const table = tableArn(body.TableName, where);
    return { action, resources: [body.IndexName ? `${table}/index/${body.IndexName}` : table], context };
  }
  return { action, resources: ['*'], context };
}

/** The address alone of `"Name" <address>`. */
export const addressOf = (text) => (/<([^>]+)>\s*$/.exec(text ?? '')?.[1] ?? text ?? '').trim().toLowerCase();

/**
 * The verified identity an address sends through: the address itself, or its domain (or a
 * parent domain), as SES looks them up; undefined when none is verified.
 */
export function identityOf(address, identities) {
  const verified = new Set(identities.map((i) => i.toLowerCase()));
  if (verified.has(address)) return address;
  const labels = address.split('@')[1]?.split('.') ?? [];
  for (let i = 0; i < labels.length - 1; i++) {
    const domain = labels.slice(i).join('.');
    if (verified.has(domain)) return domain;
  }
  return undefined;
}

const V1_SENDS = new Set(['SendEmail', 'SendRawEmail']);

/**
 * An SES request (the v2 REST API, or the v1 query API at `/`): `{ action, from, resources, context }`
 * for a send, `{ unsupported }` for an operation the local cloud does not serve. A send is
 * authorized on its identity and on its configuration set (aws/aws-cdk#34402).
 */
export function sesRequest(method, path, body, where) {
  let from;
  let configurationSet;
  let recipients;
  let action;
  let apiVersion = '2';
  if (method === 'POST' && (path === '/v2/email/outbound-emails' || path === '/v2/email/outbound-bulk-emails')) {
    action = path.endsWith('bulk-emails') ? 'ses:SendBulkEmail' : 'ses:SendEmail';
    from = body.FromEmailAddress;
    configurationSet = body.ConfigurationSetName;
    const destinations = body.Destination ? [body.Destination] : (body.BulkEmailEntries ?? []).map((e) => e.Destination ?? {});
    recipients = destinations.flatMap((d) => [...(d.ToAddresses ?? []), ...(d.CcAddresses ?? []), ...(d.BccAddresses ?? [])]);
  } else if (method === 'POST' && path === '/' && V1_SENDS.has(body.Action)) {
    action = `ses:${body.Action}`;
    apiVersion = '1';
    from = body.Source;
    configurationSet = body.ConfigurationSetName;
    recipients = Object.entries(body)
      .filter(([key]) => /^Destination(s\.member|\.(To|Cc|Bcc)Addresses\.member)\.\d+$/.test(key))
      .map(([, value]) => value);
  } else {
    return { unsupported: `${method} ${path}${body.Action ? ` (${body.Action})` : ''}` };
  }
  const address = addressOf(from);
  const identity = identityOf(address, where.identities);
  const arn = (resource) => `arn:aws:ses:${where.region}:${where.account}:${resource}`;
  return {
    action,
    from: address,
    verified: identity !== undefined,
    resources: [arn(`identity/${identity ?? address}`), ...(configurationSet ? [arn(`configuration-set/${configurationSet}`)] : [])],
    context: {
      'ses:FromAddress': address,
      'ses:Recipients': recipients.map(addressOf),
      'ses:ApiVersion': apiVersion,
      ...(body.FeedbackForwardingEmailAddress ? { 'ses:FeedbackAddress': addressOf(body.FeedbackForwardingEmailAddress) } : {}),
    },
  };
}
