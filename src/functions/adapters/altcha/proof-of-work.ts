import { createHmac, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import {
  PROOF_OF_WORK_ALGORITHM,
  PROOF_OF_WORK_MAX_COUNTER,
  type ProofOfWorkChallenge,
  type ProofOfWorkDifficulty,
  proofOfWorkPayloadSchema,
  SCRYPT_PARAMETERS,
} from '../../../contract/proof-of-work';
import type { ProofBinding, ProofOfWork, ProofRefusal } from '../../domain/admission/proof-of-work';

/** scrypt of `password` and `salt` with {@link SCRYPT_PARAMETERS}, on Node's native scrypt (off the event loop). */
const deriveScrypt = (password: Buffer, salt: Buffer): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const { cost: N, memoryCost: r, parallelism: p, keyLength } = SCRYPT_PARAMETERS;
    scrypt(password, salt, keyLength, { N, r, p, maxmem: 2 * 128 * N * r * p }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });

/**
 * Proof of work in ALTCHA v2's format (altcha-lib, https://github.com/altcha-org/altcha-lib) in its deterministic
 * mode: a challenge's secret counter is drawn uniformly in `[0, maxCounter]` of its difficulty
 * (src/contract/proof-of-work.ts), its key derived once and signed (`keySignature`), so a solution verifies with two
 * HMAC-SHA-256 and no derivation. Both are built on node:crypto rather than altcha-lib's WebCrypto code, which would
 * add 4 KB to the issue function's bundle (its size goal, test/infra/bundle-size.test.ts) and import each HMAC key per
 * call; test/unit/domain/admission/proof-of-work.test.ts checks that altcha-lib accepts these challenges and agrees
 * with these verdicts. Both HMAC keys come from the one
 * signing key read from Secrets Manager (labelled HMACs, so neither key signs what the other does).
 */
export class AltchaProofOfWork implements ProofOfWork {
  readonly #challengeKey: string;
  readonly #derivedKeyKey: string;

  /** @param signingKey the deployment's secret (any string of 32 or more characters). @throws Error when shorter. */
  constructor(signingKey: string) {
    if (signingKey.length < 32) throw new Error('the proof-of-work signing key must be at least 32 characters');
    this.#challengeKey = createHmac('sha256', signingKey).update('challenge').digest('base64url');
    this.#derivedKeyKey = createHmac('sha256', signingKey).update('derived-key').digest('base64url');
  }

  /** See {@link ProofOfWork.challenge}. */
  async challenge(
    binding: ProofBinding,
    difficulty: ProofOfWorkDifficulty,
    expiresAt: Date,
  ): Promise<ProofOfWorkChallenge> {
    // altcha-lib deriveChallenge: a 16-byte nonce and salt, the password the nonce then the counter (uint32,
    // big-endian), the key prefix the first half of the derived key; signChallenge: the key signature over the
    // derived key, then the signature over the parameters' JSON with sorted keys.
    const nonce = randomBytes(16);
    const salt = randomBytes(16);
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(randomInt(PROOF_OF_WORK_MAX_COUNTER[difficulty] + 1));
    const derivedKey = await deriveScrypt(Buffer.concat([nonce, counter]), salt);
    const parameters = sortKeys({
      algorithm: PROOF_OF_WORK_ALGORITHM,
      nonce: nonce.toString('hex'),
      salt: salt.toString('hex'),
      ...SCRYPT_PARAMETERS,
      keyPrefix: derivedKey.subarray(0, SCRYPT_PARAMETERS.keyLength / 2).toString('hex'),
      keySignature: createHmac('sha256', this.#derivedKeyKey).update(derivedKey).digest('hex'),
      // The expiry in the signed data, not ALTCHA's `expiresAt`, which it checks against the system clock: the
      // use case's clock decides (src/functions/domain/kernel/clock.ts).
      data: {
        campaignId: binding.campaignId,
        issueDate: binding.issueDate,
        userId: binding.userId,
        expiresAt: Math.floor(expiresAt.getTime() / 1000),
      },
    }) as ProofOfWorkChallenge['parameters'];
    const signature = createHmac('sha256', this.#challengeKey).update(JSON.stringify(parameters)).digest('hex');
    return { parameters, signature };
  }

  /**
   * See {@link ProofOfWork.verify}. ALTCHA's own `verifySolution` checks the same two signatures (and agrees,
   * test/unit/domain/admission/proof-of-work.test.ts), but through WebCrypto, importing each key per call: about
   * 230 µs of CPU per verification against 30 µs with Node's HMAC here (BENCHMARKS.md, "Proof of work").
   */
  async verify(proof: string, binding: ProofBinding, now: Date): Promise<ProofRefusal | undefined> {
    const payload = decode(proof);
    if (!payload) return 'MALFORMED';
    const { challenge, solution } = payload;
    // ALTCHA's signature: HMAC-SHA-256 (hex) of the parameters' JSON with sorted keys (altcha-lib signChallenge).
    const signature = createHmac('sha256', this.#challengeKey)
      .update(JSON.stringify(sortKeys(challenge.parameters)))
      .digest('hex');
    if (!equalText(challenge.signature, signature)) return 'FORGED';
    const { data, expiresAt, keySignature } = challenge.parameters;
    // A challenge of ours has a key signature (else ALTCHA would derive again) and no ALTCHA `expiresAt`, which it
    // checks against the system clock: its expiry is in `data`, for the use case's clock.
    if (keySignature === undefined || expiresAt !== undefined) return 'FORGED';
    if (data?.campaignId !== binding.campaignId || data.issueDate !== binding.issueDate) return 'OTHER_BINDING';
    if (data.userId !== binding.userId) return 'OTHER_BINDING';
    if (typeof data.expiresAt !== 'number' || data.expiresAt * 1000 < now.getTime()) return 'EXPIRED';
    if (!/^(?:[0-9a-f]{2})+$/.test(solution.derivedKey)) return 'WRONG_SOLUTION';
    // ALTCHA's key signature: HMAC-SHA-256 (hex) of the derived key's bytes.
    const derivedKeySignature = createHmac('sha256', this.#derivedKeyKey)
      .update(Buffer.from(solution.derivedKey, 'hex'))
      .digest('hex');
    return equalText(keySignature, derivedKeySignature) ? undefined : 'WRONG_SOLUTION';
  }
}

/** `value` with its object keys sorted at every depth and undefined members dropped, as altcha-lib's sortKeys. */
function sortKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .flatMap((key) => (record[key] === undefined ? [] : [[key, sortKeys(record[key])]])),
  );
}

/** Whether two strings are equal, in time independent of where they differ. */
function equalText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The header's `{challenge, solution}`, or undefined when it is not base64 of that JSON. */
function decode(proof: string) {
  // A challenge's JSON is about 700 bytes: a header far larger is not one.
  if (proof.length > 4096) return undefined;
  try {
    const parsed = proofOfWorkPayloadSchema.safeParse(JSON.parse(Buffer.from(proof, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
