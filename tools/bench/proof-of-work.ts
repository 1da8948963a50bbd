import { scryptSync } from 'node:crypto';
import * as path from 'node:path';
import { createChallenge, type DeriveKeyFunction } from 'altcha-lib';
import { build } from 'esbuild';
import { solveProofOfWork } from '../../src/client/proof-of-work';
import {
  PROOF_OF_WORK_ALGORITHM,
  PROOF_OF_WORK_DIFFICULTIES,
  PROOF_OF_WORK_MAX_COUNTER,
  type ProofOfWorkChallenge,
  SCRYPT_PARAMETERS,
} from '../../src/contract/proof-of-work';
import { AltchaProofOfWork } from '../../src/functions/adapters/altcha/proof-of-work';
import { launchChromium } from '../../test/support/browser';

// The proof of work's costs (BENCHMARKS.md, "Proof of work"): `npx tsx tools/bench/proof-of-work.ts`.
// - Server: CPU per challenge (one scrypt derivation) and per verification (decode, two HMAC-SHA-256), in this
//   process, as the issue function spends them (src/functions/adapters/altcha/proof-of-work.ts).
// - Solvers: ms per scrypt attempt of the typed client's solver (src/client/proof-of-work.ts) in Node.js and in
//   Chromium (the same code bundled, in a Web Worker as the drop page runs it), and of Node's native scrypt (what a
//   script could use instead); a difficulty's mean solve is (maxCounter / 2 + 1) attempts.

const KEY = 'bench-signing-key-'.padEnd(48, 'x');
const BINDING = { campaignId: 'bench', issueDate: '2026-05-01', userId: 'alice' };
/** Attempts timed per solver: one challenge whose secret counter is ATTEMPTS - 1. */
const ATTEMPTS = Number(process.env.POW_ATTEMPTS ?? 200);
const VERIFICATIONS = Number(process.env.POW_VERIFICATIONS ?? 4000);
const CHALLENGES = Number(process.env.POW_CHALLENGES ?? 300);

const cpuUs = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return used.user + used.system;
};

const nativeScrypt: DeriveKeyFunction = async (parameters, salt, password) => ({
  derivedKey: scryptSync(password, salt, parameters.keyLength, {
    N: parameters.cost,
    r: parameters.memoryCost ?? 8,
    p: 1,
    maxmem: 4 * 128 * parameters.cost * (parameters.memoryCost ?? 8),
  }),
});

/** An unsigned challenge with the product's scrypt parameters whose solve takes exactly `attempts` derivations. */
async function timedChallenge(attempts: number): Promise<ProofOfWorkChallenge> {
  const challenge = await createChallenge({
    algorithm: PROOF_OF_WORK_ALGORITHM,
    ...SCRYPT_PARAMETERS,
    counter: attempts - 1,
    deriveKey: nativeScrypt,
  });
  return { parameters: challenge.parameters, signature: '' };
}

/** Wall ms per attempt of the typed client's solver in this Node.js process. */
async function nodeAttemptMs(): Promise<number> {
  const challenge = await timedChallenge(ATTEMPTS);
  const start = performance.now();
  await solveProofOfWork(challenge);
  return (performance.now() - start) / ATTEMPTS;
}

/** Wall ms per attempt of Node's native scrypt (libuv's thread pool), one attempt at a time. */
async function nativeAttemptMs(): Promise<number> {
  const challenge = await timedChallenge(ATTEMPTS);
  const { salt, nonce } = challenge.parameters;
  const start = performance.now();
  const password = Buffer.alloc(nonce.length / 2 + 4);
  Buffer.from(nonce, 'hex').copy(password);
  for (let i = 0; i < ATTEMPTS; i++) {
    password.writeUInt32BE(i, nonce.length / 2);
    await nativeScrypt(challenge.parameters, Buffer.from(salt, 'hex'), password);
  }
  return (performance.now() - start) / ATTEMPTS;
}

/** Wall ms per attempt of the typed client's solver bundled for the browser, in a Web Worker of Chromium. */
async function chromiumAttemptMs(): Promise<number> {
  const bundled = await build({
    entryPoints: [path.join(__dirname, '..', '..', 'src', 'web', 'drop', 'proof-of-work.worker.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  const workerSource = bundled.outputFiles[0]?.text ?? '';
  const challenge = await timedChallenge(ATTEMPTS);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    page.on('console', (message) => console.error(`chromium: ${message.text()}`));
    // A page and its worker script served from one origin (a worker from a blob of about:blank fails to start).
    await page.route('http://bench.localhost/**', (route) =>
      route.fulfill(
        route.request().url().endsWith('/worker.js')
          ? { contentType: 'text/javascript', body: workerSource }
          : { contentType: 'text/html', body: '<!doctype html><title>proof of work</title>' },
      ),
    );
    await page.goto('http://bench.localhost/');
    // A string, as the page runs it: the browser's Worker and Blob, not this process's.
    return (await page.evaluate(`(async () => {
      const worker = new Worker('/worker.js', { type: 'module' });
      const start = performance.now();
      const answer = await new Promise((resolve) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.onerror = (event) => resolve({ error: 'worker failed: ' + event.message });
        worker.postMessage({ challenge: ${JSON.stringify(challenge)} });
      });
      if (!answer.proof) throw new Error(answer.error);
      return (performance.now() - start) / ${ATTEMPTS};
    })()`)) as number;
  } finally {
    await browser.close();
  }
}

/** CPU µs per challenge signed by the issue function's signer. */
async function challengeCpuUs(signer: AltchaProofOfWork): Promise<number> {
  const expiresAt = new Date(Date.now() + 600_000);
  for (let i = 0; i < 20; i++) await signer.challenge(BINDING, 'LOW', expiresAt);
  const start = process.cpuUsage();
  for (let i = 0; i < CHALLENGES; i++) await signer.challenge(BINDING, 'LOW', expiresAt);
  return cpuUs(start) / CHALLENGES;
}

/** CPU µs per verification of a valid solution (its header decoded, parsed, two HMACs), over 10 distinct ones. */
async function verifyCpuUs(signer: AltchaProofOfWork): Promise<number> {
  const proofs: string[] = [];
  for (let i = 0; i < 10; i++) {
    const challenge = await signer.challenge(BINDING, 'LOW', new Date(Date.now() + 600_000));
    proofs.push(await solveProofOfWork(challenge));
  }
  const now = new Date();
  for (const proof of proofs) {
    if ((await signer.verify(proof, BINDING, now)) !== undefined) throw new Error('a valid proof was refused');
  }
  const start = process.cpuUsage();
  for (let i = 0; i < VERIFICATIONS; i++) await signer.verify(proofs[i % proofs.length] as string, BINDING, now);
  return cpuUs(start) / VERIFICATIONS;
}

async function main() {
  const signer = new AltchaProofOfWork(KEY);
  const verify = await verifyCpuUs(signer);
  const challenge = await challengeCpuUs(signer);
  const node = await nodeAttemptMs();
  const native = await nativeAttemptMs();
  const chromium = await chromiumAttemptMs();
  const round = (n: number) => Math.round(n * 100) / 100;
  console.log(
    `server: verification ${round(verify)} µs CPU, challenge ${round(challenge)} µs CPU (${VERIFICATIONS} and ${CHALLENGES})`,
  );
  console.log(
    `per scrypt attempt (N=${SCRYPT_PARAMETERS.cost}, r=${SCRYPT_PARAMETERS.memoryCost}), ms: client in Node ${round(node)}, client in Chromium ${round(chromium)}, Node native ${round(native)} (${ATTEMPTS} attempts each)`,
  );
  console.log(
    '| difficulty | max attempts | mean attempts | Node (client) ms | Chromium (client) ms | Node native ms |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const difficulty of PROOF_OF_WORK_DIFFICULTIES) {
    const max = PROOF_OF_WORK_MAX_COUNTER[difficulty];
    const mean = max / 2 + 1;
    console.log(
      `| ${difficulty} | ${max + 1} | ${mean} | ${Math.round(mean * node)} | ${Math.round(mean * chromium)} | ${Math.round(mean * native)} |`,
    );
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
