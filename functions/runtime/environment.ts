import type { z } from 'zod';

/**
 * Reads a function's environment through the schema its construct also checks, so infra and
 * runtime cannot drift. Called at cold start: a misconfigured function fails before any work.
 */
export function loadEnvironment<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid function environment: ${problems}`);
  }
  return result.data;
}
