// altcha-lib declares its entry only in package.json "exports", which this project's "node" (node10) module
// resolution does not read; Node.js and the bundlers resolve "exports" at run time (its CommonJS build for require,
// its ES modules for esbuild), so only the type checker needs pointing at the declarations.
declare module 'altcha-lib' {
  export * from 'altcha-lib/dist/cjs/v2/index';
}
