/** Minimal structured logger (Powertools Logger satisfies it). */
export interface LogPort {
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}
