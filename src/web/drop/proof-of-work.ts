import type { ProofOfWorkChallenge } from '../../client/proof-of-work';
import type { UserApi } from '../shared/api';

// The drop page's proof of work (README.md, "Proof of work"), apart from its main flow (main.ts): for a campaign
// with `proofOfWork`, the issue route answers 403 PROOF_REQUIRED with a challenge; this module solves it in a Web
// Worker (proof-of-work.worker.ts) and sends the solution in `x-proof-of-work`. During the countdown it asks for the
// challenge early, so the work is done before the visitor clicks.

/** How long before the opening the page stops asking for the challenge early, ms: an early ask after the opening
 * would claim a coupon of a campaign without a proof of work. */
const EARLY_ASK_MARGIN_MS = 10_000;

/** What the issue route answers, as openapi-fetch gives it. */
type IssueAnswer = Awaited<ReturnType<UserApi['POST']>>;

/** The proof-of-work members of a PROOF_REQUIRED or PROOF_INVALID problem. */
interface ProofProblem {
  readonly code?: string;
  readonly challenge?: ProofOfWorkChallenge;
}

/** The drop page's proof of work for one campaign and visitor: {@link DropProofOfWork.prepare} and `issue`. */
export interface DropProofOfWork {
  /**
   * During the countdown (`opensAt` more than {@link EARLY_ASK_MARGIN_MS} away): asks the issue route once and, on
   * PROOF_REQUIRED, starts solving its challenge in the worker. Does nothing otherwise, or once done.
   */
  prepare(opensAt: number): void;
  /**
   * `POST /v1/campaigns/{campaignId}/issue` with the solution when there is one (waiting for a solve under way);
   * on PROOF_REQUIRED or PROOF_INVALID solves the answer's challenge and asks once more. Answers the last answer.
   * @param onSolving called when the visitor must wait for a solve.
   */
  issue(onSolving: () => void): Promise<IssueAnswer>;
  /** Forgets the solution (the visitor signed out). */
  reset(): void;
}

/** The {@link DropProofOfWork} of `campaignId`, asking through `api` (the signed-in visitor's client). */
export function dropProofOfWork(api: UserApi, campaignId: string): DropProofOfWork {
  let proof: Promise<string | undefined> | undefined;
  let asked = false;
  const post = (header?: string) =>
    api.POST('/v1/campaigns/{campaignId}/issue', {
      params: { path: { campaignId }, header: header ? { 'x-proof-of-work': header } : {} },
      body: {},
    });
  const challengeOf = (answer: IssueAnswer): ProofOfWorkChallenge | undefined => {
    const problem = answer.error as ProofProblem | undefined;
    return problem?.code === 'PROOF_REQUIRED' || problem?.code === 'PROOF_INVALID' ? problem.challenge : undefined;
  };
  return {
    prepare(opensAt) {
      if (asked || Number.isNaN(opensAt) || opensAt - Date.now() < EARLY_ASK_MARGIN_MS) return;
      asked = true;
      proof = post().then((answer) => {
        const challenge = challengeOf(answer);
        return challenge ? solveInWorker(challenge) : undefined;
      });
    },
    async issue(onSolving) {
      const ready = proof ? await proof.catch(() => undefined) : undefined;
      let answer = await post(ready);
      const challenge = challengeOf(answer);
      if (!challenge) return answer;
      onSolving();
      proof = solveInWorker(challenge);
      answer = await post(await proof);
      return answer;
    },
    reset() {
      proof = undefined;
      asked = false;
    },
  };
}

/** Solves `challenge` in a new Web Worker; the `x-proof-of-work` value. @throws Error when the solve fails. */
function solveInWorker(challenge: ProofOfWorkChallenge): Promise<string> {
  const worker = new Worker(new URL('./proof-of-work.worker.js', import.meta.url), { type: 'module' });
  return new Promise<string>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ proof?: string; error?: string }>) => {
      if (event.data.proof) resolve(event.data.proof);
      else reject(new Error(event.data.error ?? 'the proof of work failed'));
    };
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage({ challenge });
  }).finally(() => worker.terminate());
}
