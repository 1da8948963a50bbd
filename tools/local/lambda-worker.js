// One Lambda execution environment: loads a bundled handler from cdk.out (CommonJS `index.js` or an ES module
// `index.mjs`) and runs invocations sent over IPC. Plain CommonJS so it starts as fast as Lambda's own runtime
// would; the parent enforces the timeout and sets AWS_LAMBDA_INITIALIZATION_TYPE as Lambda does.

const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const url = require('node:url');
const vm = require('node:vm');

const entry = process.env.LOCAL_LAMBDA_ENTRY;
const handlerSpec = process.env.LOCAL_LAMBDA_HANDLER || 'index.handler';

/**
 * Loads a CommonJS bundle as `require` would, with V8's code cache kept next to the cloud assembly
 * (`<file>.v8cache`): environments after the first skip compiling the bundle, as Lambda's own runtime keeps
 * parsing off the cold path. Falls back to a plain require if anything about the cache fails.
 */
function loadModule(file) {
  const cacheFile = `${file}.v8cache`;
  let script;
  let cachedData;
  try {
    cachedData = fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined;
    script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
  } catch {
    return require(file);
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  script.runInThisContext().call(mod.exports, mod.exports, (id) => mod.require(id), mod, file, path.dirname(file));
  mod.loaded = true;
  if (!cachedData || script.cachedDataRejected) {
    try {
      const temp = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(temp, script.createCachedData());
      fs.renameSync(temp, cacheFile); // atomic: concurrent environments never read half a cache
    } catch {
      // no cache this time
    }
  }
  return mod.exports;
}

/**
 * Loads an ES module bundle (`index.mjs`) as Lambda's Node.js runtime does, with import(), which awaits its
 * top-level await: a provisioned environment's INIT ends only once that has settled. Node's module compile cache
 * (Node >= 22.1) stands in for the V8 code cache of loadModule where it exists.
 */
async function importModule(file) {
  try {
    Module.enableCompileCache?.(path.join(path.dirname(file), '.node-compile-cache'));
  } catch {
    // no cache this time
  }
  return import(url.pathToFileURL(file).href);
}

/** The bundle's `index.mjs` when it has one (an ES module build), else what require would load. */
function resolveBundle(base) {
  const esm = `${base}.mjs`;
  return fs.existsSync(esm) ? esm : require.resolve(base);
}

let loading;

/** The handler, loading the bundle once (INIT); a failed load is tried again by the next invocation. */
function load() {
  loading ??= (async () => {
    const dot = handlerSpec.lastIndexOf('.');
    const file = resolveBundle(path.join(entry, handlerSpec.slice(0, dot)));
    const mod = file.endsWith('.mjs') ? await importModule(file) : loadModule(file);
    const handler = mod[handlerSpec.slice(dot + 1)];
    if (typeof handler !== 'function') throw new Error(`${handlerSpec} is not a function in ${file}`);
    return handler;
  })().catch((error) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

process.on('message', async (message) => {
  if (message.init) {
    // Provisioned concurrency: the INIT phase runs ahead of any invocation.
    try {
      await load();
      process.send({ id: message.id, initialized: true });
    } catch (error) {
      process.send({ id: message.id, error: { errorType: 'Runtime.InitError', errorMessage: String(error) } });
    }
    return;
  }
  const { id, event, deadline, requestId } = message;
  const context = {
    awsRequestId: requestId,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: process.env.LOCAL_LAMBDA_ARN,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const started = performance.now();
  const report = () =>
    process.stdout.write(`REPORT RequestId: ${requestId}\tDuration: ${(performance.now() - started).toFixed(2)} ms\n`);
  try {
    const result = await (await load())(event, context);
    report();
    process.send({ id, result: result === undefined ? null : result });
  } catch (error) {
    report();
    const err = error instanceof Error ? error : new Error(String(error));
    console.error(JSON.stringify({ level: 'ERROR', message: 'invocation failed', requestId, error: err.stack }));
    process.send({ id, error: { errorType: err.name, errorMessage: err.message } });
  }
});
