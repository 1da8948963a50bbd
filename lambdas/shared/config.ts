import * as z from 'zod/mini';
import '../domain/zod-messages';

/**
 * Reads and validates environment variables once, at cold start. A missing or malformed variable throws,
 * failing the cold start loudly instead of running with a default nobody chose.
 * @throws Error naming every invalid variable.
 */
export function loadConfig<S extends z.ZodMiniType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** A non-empty string (a table name, a queue URL). */
export function requiredString() {
  return z.string().check(z.minLength(1));
}

/** An integer variable `>= min`, parsed from its string; required. */
export function requiredInteger(min: number) {
  return z.pipe(z.coerce.number(), z.int().check(z.gte(min)));
}

/** An integer variable `>= min`, parsed from its string; `fallback` when unset. */
export function integerVariable(min: number, fallback: number) {
  return z._default(requiredInteger(min), fallback);
}

/** `ADMISSION_MODE`: `redis` (Upstash Lua script) or `dynamodb` (conditional transaction). */
export const admissionModeSchema = z.enum(['redis', 'dynamodb']);

/** Environment of functions that admit or read admissions. */
export const admissionEnvSchema = z.object({
  CAMPAIGN_TABLE_NAME: requiredString(),
  ADMISSION_TABLE_NAME: requiredString(),
  ADMISSION_MODE: admissionModeSchema,
  /** Secrets Manager id of `{"url": "...", "token": "..."}` for Upstash; required in redis mode. */
  UPSTASH_SECRET_ID: z.optional(requiredString()),
});
