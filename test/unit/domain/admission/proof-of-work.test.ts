import { createHmac } from 'node:crypto';
import { verifySolution } from 'altcha-lib';
import { solveProofOfWork } from '../../../../src/client/proof-of-work';
import type { ProofOfWorkChallenge } from '../../../../src/contract/proof-of-work';
import { AltchaProofOfWork } from '../../../../src/functions/adapters/altcha/proof-of-work';
import { issueCoupon } from '../../../../src/functions/domain/admission/issue-coupon';
import { SoldOutCache } from '../../../../src/functions/domain/admission/sold-out-cache';
import type { Campaign } from '../../../../src/functions/domain/campaign/campaign';
import type { DomainError } from '../../../../src/functions/domain/kernel/errors';
import { MemoryAdmissions } from '../../../support/fakes';
import { springSaleDefinition } from '../../../support/fixtures';

// The proof of work through the use case with the real signer (altcha-lib) and the typed client's solver; only the
// stores are fakes. LOW difficulty: a solve derives at most 101 keys.
const KEY = 'k'.repeat(40);
const campaign: Campaign = {
  ...springSaleDefinition,
  campaignId: 'c1',
  name: 'C1',
  dailyQuota: 2,
  proofOfWork: { difficulty: 'LOW' },
  createdAt: '2026-04-01T00:00:00Z',
};

function setup(options: { key?: string; now?: string } = {}) {
  let now = new Date(options.now ?? '2026-05-01T04:30:00Z');
  const clock = () => now;
  const deps = {
    campaigns: {
      get: async (id: string) => (id === 'c1' || id === 'c2' ? { ...campaign, campaignId: id } : undefined),
    },
    admissions: new MemoryAdmissions(),
    queue: { send: async () => undefined },
    soldOut: new SoldOutCache(clock),
    clock,
    log: { warn: () => undefined, error: () => undefined },
    admissionRetentionDays: 7,
    proofs: new AltchaProofOfWork(options.key ?? KEY),
  };
  const issue = (userId: string, proof?: string, campaignId = 'c1') =>
    issueCoupon(deps, { campaignId, userId, requestId: `req-${Math.random()}`, proof });
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return { issue, advance, deps };
}

/** The refusal of `attempt`, which must throw a DomainError. */
async function refusal(attempt: Promise<unknown>): Promise<DomainError> {
  try {
    await attempt;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a refusal');
}

/** A solved proof for `userId` on c1 today. */
async function proofFor(issue: ReturnType<typeof setup>['issue'], userId: string, campaignId = 'c1') {
  const required = await refusal(issue(userId, undefined, campaignId));
  expect(required.code).toBe('PROOF_REQUIRED');
  return solveProofOfWork(required.details.challenge as ProofOfWorkChallenge);
}

/** `proof` with its JSON changed by `edit`. */
function tampered(
  proof: string,
  edit: (payload: { challenge: ProofOfWorkChallenge; solution: { counter: number; derivedKey: string } }) => void,
) {
  const payload = JSON.parse(Buffer.from(proof, 'base64').toString('utf8'));
  edit(payload);
  return Buffer.from(JSON.stringify(payload)).toString('base64');
}

describe('domain: issueCoupon with a proof of work', () => {
  it('answers PROOF_REQUIRED with a challenge bound to the campaign, issue day and user, and admits its solution', async () => {
    const { issue } = setup();
    const required = await refusal(issue('alice'));
    expect(required).toMatchObject({ code: 'PROOF_REQUIRED', statusCode: 403 });
    expect((required.details.challenge as ProofOfWorkChallenge).parameters).toMatchObject({
      algorithm: 'SCRYPT',
      cost: 1024,
      memoryCost: 8,
      data: {
        campaignId: 'c1',
        issueDate: '2026-05-01',
        userId: 'alice',
        expiresAt: Date.parse('2026-05-01T04:40:00Z') / 1000,
      },
    });
    const proof = await solveProofOfWork(required.details.challenge as ProofOfWorkChallenge);
    await expect(issue('alice', proof)).resolves.toMatchObject({ rank: 1, issueDate: '2026-05-01' });
    // A replay by the same user: bound to its own issue day, where the admission allows one coupon.
    await expect(issue('alice', proof)).rejects.toMatchObject({ code: 'ALREADY_ISSUED', rank: 1 });
  });

  it("refuses another user's solution, another campaign's, a forged one, a wrong one and an expired one", async () => {
    const { issue, advance } = setup();
    const alices = await proofFor(issue, 'alice');
    await expect(issue('bob', alices)).rejects.toMatchObject({
      code: 'PROOF_INVALID',
      details: { reason: 'OTHER_BINDING' },
    });
    await expect(issue('alice', alices, 'c2')).rejects.toMatchObject({
      code: 'PROOF_INVALID',
      details: { reason: 'OTHER_BINDING' },
    });
    const forged = tampered(alices, (p) => {
      (p.challenge.parameters.data as Record<string, unknown>).userId = 'bob';
    });
    await expect(issue('bob', forged)).rejects.toMatchObject({ code: 'PROOF_INVALID', details: { reason: 'FORGED' } });
    const wrong = tampered(alices, (p) => {
      p.solution.derivedKey = p.solution.derivedKey.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    });
    await expect(issue('alice', wrong)).rejects.toMatchObject({
      code: 'PROOF_INVALID',
      details: { reason: 'WRONG_SOLUTION' },
    });
    await expect(issue('alice', 'not base64 json')).rejects.toMatchObject({ details: { reason: 'MALFORMED' } });
    advance(601_000);
    const expired = await refusal(issue('alice', alices));
    expect(expired).toMatchObject({ code: 'PROOF_INVALID', details: { reason: 'EXPIRED' } });
    // The refusal carries a new challenge to solve.
    expect(expired.details.challenge).toMatchObject({ parameters: { data: { userId: 'alice' } } });
  });

  it('refuses a solution of a challenge signed with another key', async () => {
    const other = setup({ key: 'o'.repeat(40) });
    const foreign = await proofFor(other.issue, 'alice');
    const { issue } = setup();
    await expect(issue('alice', foreign)).rejects.toMatchObject({
      code: 'PROOF_INVALID',
      details: { reason: 'FORGED' },
    });
  });

  it('answers SOLD_OUT from the instance cache without asking for a proof', async () => {
    const { issue } = setup();
    await issue('alice', await proofFor(issue, 'alice'));
    await issue('bob', await proofFor(issue, 'bob'));
    await expect(issue('carol', await proofFor(issue, 'carol'))).rejects.toMatchObject({ code: 'SOLD_OUT' });
    await expect(issue('dave')).rejects.toMatchObject({ code: 'SOLD_OUT' });
  });

  it('hands out the opening day’s challenge before the window opens, and NOT_OPEN once solved', async () => {
    const { issue } = setup({ now: '2026-05-01T00:30:00Z' });
    const required = await refusal(issue('alice'));
    expect(required.details).toMatchObject({ issueDate: '2026-05-01', opensAt: '2026-05-01T04:00:00.000Z' });
    const challenge = required.details.challenge as ProofOfWorkChallenge;
    // Valid from the opening: 10 minutes after it.
    expect(challenge.parameters.data?.expiresAt).toBe(Date.parse('2026-05-01T04:10:00Z') / 1000);
    await expect(issue('alice', await solveProofOfWork(challenge))).rejects.toMatchObject({ code: 'NOT_OPEN' });
  });

  it('answers 503 for a campaign with a proof of work when the deployment has no signing key', async () => {
    const { deps } = setup();
    const { proofs: _, ...withoutKey } = deps;
    await expect(issueCoupon(withoutKey, { campaignId: 'c1', userId: 'alice', requestId: 'r1' })).rejects.toMatchObject(
      { code: 'UNAVAILABLE' },
    );
  });

  it("agrees with altcha-lib's own verifySolution on a valid solution and a wrong one", async () => {
    const { issue } = setup();
    const proof = JSON.parse(Buffer.from(await proofFor(issue, 'alice'), 'base64').toString('utf8'));
    // The signer's two keys, as AltchaProofOfWork derives them from the signing key.
    const keys = {
      hmacSignatureSecret: createHmac('sha256', KEY).update('challenge').digest('base64url'),
      hmacKeySignatureSecret: createHmac('sha256', KEY).update('derived-key').digest('base64url'),
    };
    const deriveKey = async () => {
      throw new Error('a signed key needs no derivation');
    };
    await expect(verifySolution({ ...proof, ...keys, deriveKey })).resolves.toMatchObject({ verified: true });
    const wrong = {
      ...proof.solution,
      derivedKey:
        proof.solution.derivedKey.replace(/^../, '00') === proof.solution.derivedKey
          ? `11${proof.solution.derivedKey.slice(2)}`
          : `00${proof.solution.derivedKey.slice(2)}`,
    };
    await expect(verifySolution({ ...proof, solution: wrong, ...keys, deriveKey })).resolves.toMatchObject({
      verified: false,
      invalidSolution: true,
    });
  });
});
