// One Lambda execution environment: loads a bundled handler from cdk.out and runs invocations sent over IPC.
// Plain CommonJS so it starts as fast as Lambda's own runtime would; the parent enforces the timeout.

const path = require('node:path');

const entry = process.env.LOCAL_LAMBDA_ENTRY;
const handlerSpec = process.env.LOCAL_LAMBDA_HANDLER || 'index.handler';
let handler;

function load() {
  if (handler) return handler;
  const dot = handlerSpec.lastIndexOf('.');
  const file = path.join(entry, handlerSpec.slice(0, dot));
  const mod = require(file);
  handler = mod[handlerSpec.slice(dot + 1)];
  if (typeof handler !== 'function') throw new Error(`${handlerSpec} is not a function in ${file}`);
  return handler;
}

process.on('message', async (message) => {
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
