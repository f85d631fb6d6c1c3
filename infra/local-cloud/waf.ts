import type { IncomingMessage } from 'node:http';
import type { TemplateResolver } from './template.ts';
import type { VirtualClock } from './virtual-clock.ts';

/** A rate-based rule of a web ACL: what it counts requests by, how many it lets through in its window, and what it answers then. */
export interface LocalRateRule {
  name: string;
  priority: number;
  limit: number;
  windowMs: number;
  /** The source IP, or the value of a header (requests without it are not counted). */
  key: { ip: true } | { header: string };
  responseCode: number;
}

interface RateStatement {
  Limit: number;
  EvaluationWindowSec?: number;
  AggregateKeyType: string;
  CustomKeys?: { Header?: { Name: string } }[];
  ScopeDownStatement?: unknown;
}

/** The rate-based rules of the web ACLs the template associates with anything; other statements are refused, not ignored. */
export function firewallRulesOf(resolver: TemplateResolver): LocalRateRule[] {
  const associated = new Set(
    resolver.ofType('AWS::WAFv2::WebACLAssociation').map(([, a]) => (a.Properties?.WebACLArn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0]),
  );
  return resolver.ofType('AWS::WAFv2::WebACL').flatMap(([id, acl]) => {
    if (!associated.has(id)) return [];
    const rules = (acl.Properties?.Rules ?? []) as {
      Name: string;
      Priority: number;
      Statement: { RateBasedStatement?: RateStatement };
      Action?: { Block?: { CustomResponse?: { ResponseCode: number } } };
    }[];
    return rules.map((rule) => {
      const rate = rule.Statement.RateBasedStatement;
      if (!rate || rate.ScopeDownStatement)
        throw new Error(`web ACL rule ${rule.Name}: the local cloud runs rate-based rules without a scope-down statement only`);
      const header = rate.CustomKeys?.[0]?.Header?.Name;
      if (rate.AggregateKeyType !== 'IP' && !(rate.AggregateKeyType === 'CUSTOM_KEYS' && header && rate.CustomKeys!.length === 1)) {
        throw new Error(`web ACL rule ${rule.Name}: the local cloud counts by IP or by one header only`);
      }
      return {
        name: rule.Name,
        priority: rule.Priority,
        limit: rate.Limit,
        windowMs: (rate.EvaluationWindowSec ?? 300) * 1000,
        key: header ? { header: header.toLowerCase() } : { ip: true as const },
        responseCode: rule.Action?.Block?.CustomResponse?.ResponseCode ?? 403,
      };
    });
  });
}

/**
 * AWS WAF's rate-based rules in front of the local API, on the virtual clock: each rule counts
 * the requests of each key (source IP, or a header's value) over its window, and a key over the
 * limit is blocked with the rule's response until its count falls back. Every client here is on
 * loopback: a request from loopback may name the source it stands for in X-Forwarded-For.
 */
export class LocalFirewall {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly rules: LocalRateRule[],
    private readonly clock: VirtualClock,
  ) {}

  /** The status a request is blocked with, or undefined when it passes. */
  check(request: IncomingMessage): number | undefined {
    const now = this.clock.now();
    let blocked: number | undefined;
    for (const rule of [...this.rules].sort((a, b) => a.priority - b.priority)) {
      const value = 'ip' in rule.key ? sourceIp(request) : headerOf(request, rule.key.header);
      if (!value) continue;
      const key = `${rule.name}\u0000${value}`;
      const recent = (this.seen.get(key) ?? []).filter((at) => at > now - rule.windowMs);
      recent.push(now);
      this.seen.set(key, recent);
      if (blocked === undefined && recent.length > rule.limit) blocked = rule.responseCode;
    }
    return blocked;
  }
}

function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sourceIp(request: IncomingMessage): string {
  const socket = request.socket.remoteAddress ?? '127.0.0.1';
  const loopback = socket === '127.0.0.1' || socket === '::1' || socket === '::ffff:127.0.0.1';
  const forwarded = headerOf(request, 'x-forwarded-for')?.split(',')[0]?.trim();
  return loopback && forwarded ? forwarded : socket;
}
