import * as z from 'zod/mini';

// The proof of work a campaign may require of each issue request (README.md, "Proof of work"): an ALTCHA v2
// challenge (altcha-lib, https://github.com/altcha-org/altcha-lib) in its deterministic mode, whose key derivation is
// scrypt. Shared by the issue function (which signs and verifies), the typed client and the drop page (which solve),
// the dry run (which shows the cost) and the OpenAPI document. This module imports only zod, so it costs the
// function bundles little.

/** The difficulties a campaign's `proofOfWork.difficulty` may name. */
export const PROOF_OF_WORK_DIFFICULTIES = ['LOW', 'MEDIUM', 'HIGH'] as const;
/** One of {@link PROOF_OF_WORK_DIFFICULTIES}. */
export type ProofOfWorkDifficulty = (typeof PROOF_OF_WORK_DIFFICULTIES)[number];

/** The key derivation of every challenge: scrypt (RFC 7914), memory-hard, so a GPU gains little over a CPU. */
export const PROOF_OF_WORK_ALGORITHM = 'SCRYPT';

/**
 * scrypt's parameters, the same at every difficulty (RFC 7914: memory 128 x N x r bytes = 1 MiB per attempt):
 * `cost` is N, `memoryCost` is r (the block size), `parallelism` is p. 1 MiB keeps the issue function's one derivation
 * per challenge near 2 ms (BENCHMARKS.md, "Proof of work") while each attempt still needs its own mebibyte.
 */
export const SCRYPT_PARAMETERS = { cost: 1024, memoryCost: 8, parallelism: 1, keyLength: 32 } as const;

/**
 * Attempts a solver may need, by difficulty: the server picks the secret counter uniformly in `[0, maxCounter]`,
 * and the solver counts up from 0, so it derives `counter + 1` keys, `maxCounter / 2` on average.
 */
export const PROOF_OF_WORK_MAX_COUNTER: Readonly<Record<ProofOfWorkDifficulty, number>> = {
  LOW: 100,
  MEDIUM: 500,
  HIGH: 2_500,
};

/**
 * Mean solve time per difficulty, ms: (maxCounter / 2 + 1) attempts at the ms per attempt measured on this project's
 * 2-core benchmark machine while loaded (load average 11-14), one thread, with the typed client's solver
 * (@noble/hashes scrypt) in Node.js 24 and in a Chromium Web Worker. Source: BENCHMARKS.md, "Proof of work"
 * (`npx tsx tools/bench/proof-of-work.ts`); the dry run shows them.
 */
export const PROOF_OF_WORK_SOLVE_MS: Readonly<
  Record<ProofOfWorkDifficulty, { readonly node: number; readonly chromium: number }>
> = {
  LOW: { node: 760, chromium: 800 },
  MEDIUM: { node: 3_760, chromium: 3_940 },
  HIGH: { node: 18_720, chromium: 19_660 },
};

/** How long a challenge stays valid after the window opens (or after it is issued, when open), seconds. */
export const PROOF_OF_WORK_VALIDITY_S = 600;

/** A campaign's proof-of-work requirement (`proofOfWork` of the campaign definition). */
export const proofOfWorkSchema = z.strictObject({
  /** How much work each issue request must carry; see {@link PROOF_OF_WORK_MAX_COUNTER}. */
  difficulty: z.enum(PROOF_OF_WORK_DIFFICULTIES, 'proofOfWork.difficulty must be LOW, MEDIUM or HIGH'),
});

/**
 * A signed challenge (ALTCHA v2's `Challenge`) as the PROOF_REQUIRED and PROOF_INVALID problems carry it:
 * `parameters` (what to derive, and in `data` what it is bound to: `campaignId`, `issueDate`, `userId` and
 * `expiresAt`, seconds since the epoch) and the HMAC `signature` of them.
 */
export const proofOfWorkChallengeSchema = z.strictObject({
  parameters: z.object({
    algorithm: z.string(),
    nonce: z.string(),
    salt: z.string(),
    cost: z.number(),
    keyLength: z.number(),
    keyPrefix: z.string(),
    keySignature: z.optional(z.string()),
    memoryCost: z.optional(z.number()),
    parallelism: z.optional(z.number()),
    expiresAt: z.optional(z.number()),
    data: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))),
  }),
  signature: z.string(),
});

/** A signed proof-of-work challenge. */
export type ProofOfWorkChallenge = z.infer<typeof proofOfWorkChallengeSchema>;

/** A solution: the counter found and the key derived from it (hex); `time` the solve time, ms (informative). */
export const proofOfWorkSolutionSchema = z.object({
  counter: z.int().check(z.gte(0)),
  derivedKey: z.string(),
  time: z.optional(z.number()),
});

/** What the `x-proof-of-work` header (names.ts PROOF_OF_WORK_HEADER) holds, base64-encoded JSON. */
export const proofOfWorkPayloadSchema = z.object({
  challenge: proofOfWorkChallengeSchema,
  solution: proofOfWorkSolutionSchema,
});

/** The decoded `x-proof-of-work` header (names.ts PROOF_OF_WORK_HEADER). */
export type ProofOfWorkPayload = z.infer<typeof proofOfWorkPayloadSchema>;
