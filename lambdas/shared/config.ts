import { z } from 'zod';

/**
 * Reads and validates environment variables once, at cold start. A missing or malformed variable throws,
 * failing the cold start loudly instead of running with a default nobody chose.
 * @throws Error naming every invalid variable.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new Error(`Invalid configuration: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** `ADMISSION_MODE`: `redis` (Upstash Lua script) or `dynamodb` (conditional transaction). */
export const admissionModeSchema = z.enum(['redis', 'dynamodb']);

/** Environment of functions that admit or read admissions. */
export const admissionEnvSchema = z.object({
  CAMPAIGN_TABLE_NAME: z.string().min(1),
  ADMISSION_TABLE_NAME: z.string().min(1),
  ADMISSION_MODE: admissionModeSchema,
  /** Secrets Manager id of `{"url": "...", "token": "..."}` for Upstash; required in redis mode. */
  UPSTASH_SECRET_ID: z.string().min(1).optional(),
});
