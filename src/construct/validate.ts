import { Token } from 'aws-cdk-lib';

/**
 * Checks on the construct's props, run before anything is built so that a wrong setting fails `cdk synth` with a
 * message naming it. Each throws Error saying which prop is wrong and what it accepts.
 */

const ORIGIN = /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?)$/;

/**
 * Checks CORS origins. @throws Error for `*` or anything but `https://host[:port]` or `http://localhost[:port]`.
 */
export function checkCorsOrigins(origins: readonly string[]): void {
  for (const origin of origins) {
    if (!ORIGIN.test(origin)) {
      throw new Error(
        `corsAllowOrigins: '${origin}' is not allowed; name each origin as https://host[:port] ` +
          '(or http://localhost[:port]); * is refused',
      );
    }
  }
}

/**
 * Checks that `value`, when set and known at synth, is an integer within `[min, max]`.
 * @throws Error `<name> must be an integer from <min> to <max> <unit>, not <value>`.
 */
export function checkInteger(name: string, value: number | undefined, min: number, max: number, unit: string): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new Error(`${name} must be an integer ${range} ${unit}, not ${value}`);
  }
}

/** Checks that `value`, when set, is a non-empty string without surrounding whitespace. @throws Error naming it. */
export function checkName(name: string, value: string | undefined): void {
  if (value === undefined) return;
  if (value.trim() === '' || value.trim() !== value) {
    throw new Error(`${name} must be a non-empty name without surrounding whitespace, not '${value}'`);
  }
}

/**
 * Checks that `value`, when set, is a boolean (a CDK context string such as `'true'` is not).
 * @throws Error `<name> must be true or false, not <value>`.
 */
export function checkBoolean(name: string, value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return;
  throw new Error(`${name} must be true or false, not ${JSON.stringify(value)}`);
}
