import { type ProofOfWorkChallenge, solveProofOfWork } from '../../client/proof-of-work';

// The drop page's proof-of-work solver (src/web/drop/proof-of-work.ts) off the page's thread: a challenge in, the
// `x-proof-of-work` header's value (or the error's message) out.

self.onmessage = async (event: MessageEvent<{ challenge: ProofOfWorkChallenge }>) => {
  try {
    self.postMessage({ proof: await solveProofOfWork(event.data.challenge) });
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
