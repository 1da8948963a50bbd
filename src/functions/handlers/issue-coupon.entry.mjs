// The issue function's bundle entry (src/construct/app-function.ts `awaitInit`), an ES module so that Lambda's
// Node.js runtime awaits its top-level await during INIT: a provisioned environment is counted ready only once
// init() has warmed it (src/functions/handlers/issue-coupon.ts). A CommonJS handler's promises would be frozen with the
// environment after INIT and finish during its first request instead.
import { handler, init } from './issue-coupon';

await init();

export { handler };
