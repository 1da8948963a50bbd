/**
 * The banner of an ES module bundle (lib/constructs/app-function.ts `awaitInit`, bench/direct-issue/build.ts):
 * defines `require` for the CommonJS modules bundled into it, so esbuild's `__require` can load Node's built-ins.
 */
export const ESM_REQUIRE_BANNER =
  "import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);";
