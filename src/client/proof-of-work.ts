import { scrypt } from '@noble/hashes/scrypt';
import { type DeriveKeyFunction, solveChallenge } from 'altcha-lib';
import type { Schema } from './types';

/**
 * A signed proof-of-work challenge, the `challenge` of a PROOF_REQUIRED or PROOF_INVALID problem (from the OpenAPI
 * document's types, so the client's declarations need no schema library; src/contract/proof-of-work.ts declares it).
 */
export type ProofOfWorkChallenge = Schema<'ProofRequiredError'>['challenge'];

/** Options of {@link solveProofOfWork}. */
export interface SolveProofOfWorkOptions {
  /** Aborts the solve: it then rejects with an Error. @default - never aborted */
  readonly signal?: AbortSignal;
  /** Longest the solve may take, ms, before it rejects with an Error. @default 120000 */
  readonly timeoutMs?: number;
}

/**
 * scrypt (RFC 7914) with the challenge's parameters (N = `cost`, r = `memoryCost`, p = `parallelism`) in plain
 * JavaScript (@noble/hashes, audited), so the same code runs in Node.js, a browser page and a Web Worker.
 */
const deriveScrypt: DeriveKeyFunction = async (parameters, salt, password) => ({
  derivedKey: scrypt(password, salt, {
    N: parameters.cost,
    r: parameters.memoryCost ?? 8,
    p: parameters.parallelism ?? 1,
    dkLen: parameters.keyLength,
  }),
});

/**
 * Solves a proof-of-work challenge, the `challenge` of a 403 PROOF_REQUIRED or PROOF_INVALID answer of
 * `POST /v1/campaigns/{campaignId}/issue` (README.md, "Proof of work"), and answers the value to send in the
 * `x-proof-of-work` header of the next issue request: base64 of the JSON `{challenge, solution}`. It counts through
 * scrypt derivations (1 MiB each) on the calling thread with ALTCHA's solver (altcha-lib), yielding to the event loop
 * every 200 ms; in a browser, call it from a Web Worker. Mean solve times per difficulty: BENCHMARKS.md, "Proof of
 * work". Works in Node.js 20+ and browsers (WebCrypto and TextEncoder globals).
 * @throws Error when aborted, timed out, or the challenge has no solution (a malformed challenge).
 */
export async function solveProofOfWork(
  challenge: ProofOfWorkChallenge,
  options: SolveProofOfWorkOptions = {},
): Promise<string> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    if (options.signal?.aborted) throw new Error('proof of work aborted');
    const solution = await solveChallenge({
      challenge,
      deriveKey: deriveScrypt,
      controller,
      timeout: options.timeoutMs ?? 120_000,
    });
    if (!solution) throw new Error(options.signal?.aborted ? 'proof of work aborted' : 'proof of work timed out');
    return base64(JSON.stringify({ challenge, solution }));
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}

/** Base64 of a string's UTF-8 bytes, with the `btoa` global of browsers and Node.js. */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
