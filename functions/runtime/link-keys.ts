import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '#shared/schema.ts';
import { secretsClient } from './clients.ts';

const secretSchema = z.object({ current: z.string().check(z.minLength(32)), previous: z.optional(z.string().check(z.minLength(32))) });

export interface LinkKeys {
  /** Signs new links. */
  current: string;
  /** Every key that still verifies: the current one, and the previous one during a rotation. */
  verifying: string[];
}

const CACHE_MS = 5 * 60_000;

/** Reads the link-signing keys from Secrets Manager, cached for a few minutes per container. */
export function linkKeysFrom(secretArn: string, client: SecretsManagerClient = secretsClient()): () => Promise<LinkKeys> {
  let cached: { keys: LinkKeys; until: number } | undefined;
  return async () => {
    if (cached && cached.until > Date.now()) return cached.keys;
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const parsed = secretSchema.safeParse(JSON.parse(SecretString ?? '{}'));
    if (!parsed.success) throw new Error(`the link-signing secret must be JSON {"current": key, "previous"?: key} with keys of 32+ characters`);
    const keys = { current: parsed.data.current, verifying: [parsed.data.current, ...(parsed.data.previous ? [parsed.data.previous] : [])] };
    cached = { keys, until: Date.now() + CACHE_MS };
    return keys;
  };
}
