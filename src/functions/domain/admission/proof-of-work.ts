import {
  PROOF_OF_WORK_VALIDITY_S,
  type ProofOfWorkChallenge,
  type ProofOfWorkDifficulty,
} from '../../../contract/proof-of-work';
import { ProofInvalidError, ProofRequiredError, UnavailableError } from '../kernel/errors';

// The proof of work a campaign may require of each issue request (README.md, "Proof of work"). The challenge is
// stateless: signed with the deployment's key and bound to (campaign, issue day, user, expiry) in its signed data,
// so nothing is stored per challenge. A solution replayed by the same user within its validity is harmless: it is
// bound to that user's issue day, where the admission already allows one coupon (ALREADY_ISSUED on a repeat).

/** What a challenge is bound to: a campaign's issue day (local date `YYYY-MM-DD`) and the user. */
export interface ProofBinding {
  readonly campaignId: string;
  readonly issueDate: string;
  readonly userId: string;
}

/** Why a proof was refused: unreadable, not signed by this key, another binding, expired, or a wrong solution. */
export type ProofRefusal = 'MALFORMED' | 'FORGED' | 'OTHER_BINDING' | 'EXPIRED' | 'WRONG_SOLUTION';

/** Signs challenges and verifies their solutions with the deployment's key (src/functions/adapters/altcha/). */
export interface ProofOfWork {
  /**
   * A new challenge of `difficulty` bound to `binding`, valid until `expiresAt`. Costs one key derivation (the
   * deterministic mode picks the secret counter and derives its key).
   */
  challenge(binding: ProofBinding, difficulty: ProofOfWorkDifficulty, expiresAt: Date): Promise<ProofOfWorkChallenge>;
  /**
   * Whether `proof`, the `x-proof-of-work` header's value, solves a challenge this key signed for `binding` that
   * has not expired at `now`: `undefined` when it does, else why not. Costs HMACs only, no key derivation.
   */
  verify(proof: string, binding: ProofBinding, now: Date): Promise<ProofRefusal | undefined>;
}

/** What {@link requireProofOfWork} checks. */
export interface ProofRequirement {
  readonly difficulty: ProofOfWorkDifficulty;
  readonly binding: ProofBinding;
  /** The header's value; `undefined` when the request has none. */
  readonly proof: string | undefined;
  readonly now: Date;
  /** The window's opening when it is not open yet: the challenge is valid from then. @default - open now */
  readonly opensAt?: Date;
}

/**
 * Returns when `requirement.proof` is a valid solution for its binding; otherwise throws with a new challenge,
 * valid {@link PROOF_OF_WORK_VALIDITY_S} after the opening (or after now, when open).
 * @throws ProofRequiredError without a proof; ProofInvalidError with one that does not verify (its reason);
 *   UnavailableError when `proofs` is undefined (a deployment without a signing key); the signer's error as is.
 */
export async function requireProofOfWork(
  proofs: ProofOfWork | undefined,
  requirement: ProofRequirement,
): Promise<void> {
  if (!proofs) throw new UnavailableError('This deployment cannot sign proof-of-work challenges');
  const { difficulty, binding, proof, now, opensAt } = requirement;
  const refusal = proof === undefined ? undefined : await proofs.verify(proof, binding, now);
  if (proof !== undefined && refusal === undefined) return;
  const from = opensAt && opensAt > now ? opensAt : now;
  const challenge = await proofs.challenge(
    binding,
    difficulty,
    new Date(from.getTime() + PROOF_OF_WORK_VALIDITY_S * 1000),
  );
  if (proof === undefined) throw new ProofRequiredError(challenge, binding.issueDate, opensAt);
  throw new ProofInvalidError(refusal, challenge, binding.issueDate, opensAt);
}
