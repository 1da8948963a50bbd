import { HANDLERS, type HandlerName } from '../../contract/names';

/** How one function's bundle is built (tools/build/functions.ts) and loaded (src/construct/app-function.ts). */
export interface FunctionBundle {
  /**
   * An ES module built from `src/functions/handlers/<handler>.entry.mjs` (`index.mjs`), whose top-level `await` of
   * the handler's `init()` Lambda's Node.js runtime awaits during INIT: how a provisioned environment finishes its
   * warm-up before it counts as ready
   * (https://aws.amazon.com/blogs/compute/using-node-js-es-modules-and-top-level-await-in-aws-lambda/).
   * `false`: CommonJS from `src/functions/handlers/<handler>.ts` (`index.js`); INIT runs module code only.
   */
  readonly awaitInit: boolean;
  /**
   * Bundle the SDK's event-stream serde (`@smithy/core/event-streams`, about 20 KB), for a client that loads it at
   * init: the Lambda client does, for its response-streaming operations. `false`: left out; the other clients load
   * it only for an operation that streams events, none of which this project calls.
   */
  readonly bundleEventStreams: boolean;
}

/**
 * The Node.js major every function runs on: the construct's Lambda runtime (`nodejs24.x`), esbuild's target
 * (`node24`), and the `node` devDependency that runs the tests and the local cloud (a test checks they agree).
 * Node.js 24 is the active LTS line, supported until 2028-04-30; Lambda deprecates `nodejs22.x` with Node.js 22's
 * end of life on 2027-04-30 (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
 */
export const FUNCTION_NODE_MAJOR = 24;

const COMMONJS: FunctionBundle = { awaitInit: false, bundleEventStreams: false };

/** Every function's bundle settings, by handler file name ({@link HANDLERS}). */
export const FUNCTION_BUNDLES: Readonly<Record<HandlerName, FunctionBundle>> = {
  [HANDLERS.issue]: { awaitInit: true, bundleEventStreams: false },
  [HANDLERS.query]: COMMONJS,
  [HANDLERS.userCoupons]: COMMONJS,
  [HANDLERS.checkout]: COMMONJS,
  [HANDLERS.adminCampaigns]: COMMONJS,
  [HANDLERS.adminVendors]: COMMONJS,
  [HANDLERS.adminFailedEvents]: COMMONJS,
  [HANDLERS.consumer]: COMMONJS,
  [HANDLERS.replayAndReconcile]: COMMONJS,
  [HANDLERS.publishEvents]: COMMONJS,
  // The Lambda client (provisioned concurrency) loads the event-stream serde at init.
  [HANDLERS.prewarm]: { awaitInit: false, bundleEventStreams: true },
};

/** The bundle's file in its asset folder: `index.mjs` for an ES module ({@link FunctionBundle.awaitInit}), else `index.js`. */
export function bundleFileOf(handler: HandlerName): 'index.mjs' | 'index.js' {
  return FUNCTION_BUNDLES[handler].awaitInit ? 'index.mjs' : 'index.js';
}
