/**
 * The banner of an ES module bundle (src/functions/bundling/bundles.ts `awaitInit`, tools/build/functions.ts):
 * defines `require` for the CommonJS modules bundled into it, so esbuild's `__require` can load Node's built-ins.
 */
export const ESM_REQUIRE_BANNER =
  "import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);";
