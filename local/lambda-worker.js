// One Lambda execution environment: loads a bundled handler from cdk.out and runs invocations sent over IPC.
// Plain CommonJS so it starts as fast as Lambda's own runtime would; the parent enforces the timeout.

const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const entry = process.env.LOCAL_LAMBDA_ENTRY;
const handlerSpec = process.env.LOCAL_LAMBDA_HANDLER || 'index.handler';
let handler;

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

function load() {
  if (handler) return handler;
  const dot = handlerSpec.lastIndexOf('.');
  const file = require.resolve(path.join(entry, handlerSpec.slice(0, dot)));
  const mod = loadModule(file);
  handler = mod[handlerSpec.slice(dot + 1)];
  if (typeof handler !== 'function') throw new Error(`${handlerSpec} is not a function in ${file}`);
  return handler;
}

process.on('message', async (message) => {
  if (message.init) {
    // Provisioned concurrency: the INIT phase runs ahead of any invocation.
    try {
      load();
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
    const result = await load()(event, context);
    report();
    process.send({ id, result: result === undefined ? null : result });
  } catch (error) {
    report();
    const err = error instanceof Error ? error : new Error(String(error));
    console.error(JSON.stringify({ level: 'ERROR', message: 'invocation failed', requestId, error: err.stack }));
    process.send({ id, error: { errorType: err.name, errorMessage: err.message } });
  }
});
