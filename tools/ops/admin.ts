import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type AdminCredentials, regionOfApiUrl, signatureHeaders } from '../../src/client';
import { adminCredentialsFromEnv } from '../local/sigv4';
import { readLocalEndpoints } from './target';

// `npm run admin -- [--endpoints <file> | --url <apiUrl> [--region <region>]] [-H 'name: value']... <METHOD> <path>
// [json-body | @file]`:
// one SigV4-signed (execute-api) call of the API, as curl --aws-sigv4 would make it, but with the query sorted in
// the canonical request as AWS sorts it (curl 7.88 signs it in the order given, so a call with two or more query
// parameters gets 403: https://github.com/curl/curl/issues/9717). Prints the status line on stderr and the body on
// stdout (JSON pretty-printed), so `npm run -s admin -- GET ... > out.json` keeps the body alone.
// Exit 0 on 1xx-3xx, 1 on 4xx/5xx, 2 when no answer came (bad arguments, no local cloud, no credentials, network).

/** The usage line printed with an argument error. */
const USAGE =
  'usage: npm run admin -- [--endpoints <file> | --url <apiUrl> [--region <region>]] [-H "name: value"]... <METHOD> <path> [json-body | @file]';

/** Exit codes of the command. */
export const ADMIN_EXIT = { ok: 0, httpError: 1, noAnswer: 2 } as const;

/** Where the signed request goes and whose credentials sign it. */
export interface AdminTarget {
  /** The API's base URL, no trailing slash (a stage path, if any, included). */
  readonly apiUrl: string;
  readonly credentials: AdminCredentials;
  /** The SigV4 region (the local cloud's, or the deployed API's). */
  readonly region: string;
}

/** What the command reads from and writes to; the real process's by default, fakes in tests. */
export interface AdminIo {
  readonly fetch: typeof fetch;
  readonly env: NodeJS.ProcessEnv;
  /** Reads a body file (`@file`) or an endpoints file, as UTF-8. */
  readonly readFile: (file: string) => string;
  /** One line (or block) of output: the body. */
  readonly out: (text: string) => void;
  /** One line of diagnostics: the status line, errors. */
  readonly err: (text: string) => void;
}

/** An argument or configuration error: the command exits {@link ADMIN_EXIT}.noAnswer with its message. */
export class AdminUsageError extends Error {
  override readonly name = 'AdminUsageError';
}

/**
 * The target of the call: with `url`, that API and the standard AWS environment variables (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN for temporary credentials, e.g. after
 * `eval "$(aws configure export-credentials --format env)"`; tools/local/sigv4.ts adminCredentialsFromEnv), signed
 * for `region`, else the region of a default execute-api host, else AWS_REGION or AWS_DEFAULT_REGION; without it,
 * the local cloud of the endpoints file (tools/ops/target.ts readLocalEndpoints: its `apiUrl` and
 * `adminCredentials`).
 * @throws AdminUsageError when the endpoints file is missing or unreadable, or credentials or the region are.
 */
export function resolveAdminTarget(
  options: { readonly endpoints?: string; readonly url?: string; readonly region?: string },
  io: Pick<AdminIo, 'env' | 'readFile'>,
): AdminTarget {
  if (options.url) {
    let region: string | undefined;
    try {
      region = options.region ?? regionOfApiUrl(options.url) ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
    } catch (cause) {
      throw new AdminUsageError(`--url is not a URL: ${options.url}`, { cause });
    }
    const signer = usage(() => adminCredentialsFromEnv(io.env, region));
    const { accessKeyId, secretAccessKey, sessionToken } = signer;
    return {
      apiUrl: options.url.replace(/\/+$/, ''),
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      region: signer.region,
    };
  }
  const endpoints = usage(() => readLocalEndpoints(options.endpoints, io.env, io.readFile));
  const { accessKeyId, secretAccessKey, sessionToken, region } = endpoints.adminCredentials;
  return {
    apiUrl: endpoints.apiUrl.replace(/\/+$/, ''),
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    region: options.region ?? region,
  };
}

/** `read()`'s result; its error as an AdminUsageError (the command answers it with exit 2). */
function usage<T>(read: () => T): T {
  try {
    return read();
  } catch (cause) {
    throw new AdminUsageError((cause as Error).message, { cause });
  }
}

/** A body argument: `@file` is that file's content, anything else is sent as given (no check: the API checks). */
export function bodyOf(argument: string | undefined, readFile: AdminIo['readFile']): string | undefined {
  if (argument === undefined) return undefined;
  if (!argument.startsWith('@')) return argument;
  try {
    return readFile(argument.slice(1));
  } catch (cause) {
    throw new AdminUsageError(`cannot read the body file ${argument.slice(1)}`, { cause });
  }
}

/**
 * The `-H 'name: value'` options as headers, names lower-cased (`accept: text/csv` for the winners' CSV).
 * @throws AdminUsageError for an option without a colon.
 */
export function headersOf(options: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const option of options) {
    const colon = option.indexOf(':');
    if (colon < 1) throw new AdminUsageError(`a header is "name: value": ${option}`);
    headers[option.slice(0, colon).trim().toLowerCase()] = option.slice(colon + 1).trim();
  }
  return headers;
}

/** A response body for the terminal: JSON pretty-printed (2 spaces), anything else as it came. */
export function printable(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * Runs the command with `argv` (the arguments after `npm run admin --`): signs the request with SigV4 for
 * `execute-api` (src/client/sigv4.ts, which sorts the query as the canonical request requires), sends it, prints
 * the status line and the body, and resolves with the exit code ({@link ADMIN_EXIT}).
 */
export async function runAdmin(argv: readonly string[], io: AdminIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        endpoints: { type: 'string' },
        url: { type: 'string' },
        region: { type: 'string' },
        header: { type: 'string', short: 'H', multiple: true },
      },
    });
    const [method, requestPath, bodyArgument, ...rest] = positionals;
    if (!method || !requestPath || rest.length > 0) throw new AdminUsageError(USAGE);
    if (!requestPath.startsWith('/')) throw new AdminUsageError(`the path must start with /: ${requestPath}`);
    if (values.endpoints && values.url) throw new AdminUsageError('give --endpoints or --url, not both');
    const target = resolveAdminTarget(values, io);
    const body = bodyOf(bodyArgument, io.readFile);
    const headers = headersOf(values.header ?? []);
    if (body !== undefined && !Object.keys(headers).some((name) => name === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    // The URL is normalized once (percent-encoding of spaces and the like) and that exact string is signed and sent.
    const url = new URL(`${target.apiUrl}${requestPath}`).href;
    const upper = method.toUpperCase();
    const signature = await signatureHeaders(target.credentials, target.region, {
      method: upper,
      url,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const response = await io.fetch(url, {
      method: upper,
      headers: { ...headers, ...signature },
      ...(body === undefined ? {} : { body }),
    });
    io.err(`HTTP ${response.status} ${response.statusText}`.trimEnd());
    const text = await response.text();
    if (text) io.out(printable(text));
    return response.status >= 400 ? ADMIN_EXIT.httpError : ADMIN_EXIT.ok;
  } catch (error) {
    // fetch's own message is "fetch failed"; its cause says why (ECONNREFUSED...).
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    io.err(`${error instanceof Error ? error.message : String(error)}${cause}`);
    return ADMIN_EXIT.noAnswer;
  }
}

if (require.main === module) {
  runAdmin(process.argv.slice(2), {
    fetch: (input, init) => fetch(input, init),
    env: process.env,
    readFile: (file) => readFileSync(file, 'utf8'),
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
