import * as z from '#shared/schema.ts';

/**
 * Reads a function's environment through the schema its construct also checks, so infra and
 * runtime cannot drift. Called at cold start: a misconfigured function fails before any work.
 */
export function loadEnvironment<S extends z.ZodMiniType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = z.safeParse(schema, env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid function environment: ${problems}`);
  }
  return result.data;
}
