import { createHmac, randomInt, scrypt } from 'node:crypto';
import { createChallenge, type DeriveKeyFunction, verifySolution } from 'altcha-lib';
import {
  PROOF_OF_WORK_ALGORITHM,
  PROOF_OF_WORK_MAX_COUNTER,
  type ProofOfWorkChallenge,
  type ProofOfWorkDifficulty,
  proofOfWorkPayloadSchema,
  SCRYPT_PARAMETERS,
} from '../../../contract/proof-of-work';
import type { ProofBinding, ProofOfWork, ProofRefusal } from '../../domain/admission/proof-of-work';

/**
 * scrypt with the challenge's parameters (N = `cost`, r = `memoryCost`, p = `parallelism`), as ALTCHA's own
 * `altcha-lib/algorithms/scrypt` derives it, on Node's native scrypt (off the event loop, in libuv's pool).
 */
const deriveScrypt: DeriveKeyFunction = (parameters, salt, password) =>
  new Promise((resolve, reject) => {
    const N = parameters.cost;
    const r = parameters.memoryCost ?? SCRYPT_PARAMETERS.memoryCost;
    const p = parameters.parallelism ?? 1;
    scrypt(password, salt, parameters.keyLength, { N, r, p, maxmem: 2 * 128 * N * r * p }, (error, key) =>
      error ? reject(error) : resolve({ derivedKey: new Uint8Array(key) }),
    );
  });

/**
 * Proof of work with ALTCHA v2 (altcha-lib) in its deterministic mode: a challenge's secret counter is drawn
 * uniformly in `[0, maxCounter]` of its difficulty (src/contract/proof-of-work.ts), its key derived once and signed
 * (`keySignature`), so a solution verifies with two HMAC-SHA-256 and no derivation. Both HMAC keys come from the one
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
    const challenge = await createChallenge({
      algorithm: PROOF_OF_WORK_ALGORITHM,
      ...SCRYPT_PARAMETERS,
      counter: randomInt(PROOF_OF_WORK_MAX_COUNTER[difficulty] + 1),
      deriveKey: deriveScrypt,
      // The expiry in the signed data, not ALTCHA's `expiresAt`, which it checks against the system clock: the
      // use case's clock decides (src/functions/domain/kernel/clock.ts).
      data: {
        campaignId: binding.campaignId,
        issueDate: binding.issueDate,
        userId: binding.userId,
        expiresAt: Math.floor(expiresAt.getTime() / 1000),
      },
      hmacSignatureSecret: this.#challengeKey,
      hmacKeySignatureSecret: this.#derivedKeyKey,
    });
    return { parameters: challenge.parameters, signature: challenge.signature ?? '' };
  }

  /** See {@link ProofOfWork.verify}. */
  async verify(proof: string, binding: ProofBinding, now: Date): Promise<ProofRefusal | undefined> {
    const payload = decode(proof);
    if (!payload) return 'MALFORMED';
    const { challenge, solution } = payload;
    // Without a key signature ALTCHA would re-derive the key: a signed challenge always has one.
    if (!challenge.parameters.keySignature) return 'FORGED';
    const result = await verifySolution({
      challenge,
      solution,
      deriveKey: deriveScrypt,
      hmacSignatureSecret: this.#challengeKey,
      hmacKeySignatureSecret: this.#derivedKeyKey,
    });
    // A challenge of ours has no ALTCHA `expiresAt`: one that does was not signed here.
    if (result.expired || result.invalidSignature) return 'FORGED';
    const { data } = challenge.parameters;
    if (data?.campaignId !== binding.campaignId || data.issueDate !== binding.issueDate) return 'OTHER_BINDING';
    if (data.userId !== binding.userId) return 'OTHER_BINDING';
    if (typeof data.expiresAt !== 'number' || data.expiresAt * 1000 < now.getTime()) return 'EXPIRED';
    return result.verified ? undefined : 'WRONG_SOLUTION';
  }
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
