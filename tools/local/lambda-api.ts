import type * as http from 'node:http';
import { bufferedServer, listenLocal, sendJson } from './http-server';
import type { LocalFunction } from './lambda-runtime';

/** One provisioned concurrency change the local Lambda API applied. */
export interface ProvisionedChange {
  /** ISO-8601 UTC, when it was asked for. */
  readonly at: string;
  readonly functionName: string;
  readonly qualifier: string;
  /** Execution environments; 0 when the configuration was deleted. */
  readonly executions: number;
}

/** A running Lambda API stand-in. */
export interface LocalLambdaApi {
  readonly endpoint: string;
  /** The functions it acts on; set once they exist. */
  bind(functions: Record<string, LocalFunction>): void;
  /** Every change, oldest first. */
  changes(): readonly ProvisionedChange[];
  stop(): Promise<void>;
}

function error(res: http.ServerResponse, status: number, type: string, message: string) {
  res.setHeader('x-amzn-errortype', type);
  sendJson(res, status, { Type: 'User', message });
}

/**
 * The Lambda API calls of the pre-warm applier (restJson1): PutProvisionedConcurrencyConfig (202, starts that many
 * initialized execution environments, LocalFunction.setProvisioned), DeleteProvisionedConcurrencyConfig (204;
 * 404 ResourceNotFoundException when none is set) and GetProvisionedConcurrencyConfig, on a function named by
 * name or ARN with an alias `Qualifier` (`$LATEST` is refused, as Lambda does). Local tool only.
 */
export async function startLocalLambdaApi(log: (message: string) => void = () => undefined): Promise<LocalLambdaApi> {
  let functions: Record<string, LocalFunction> = {};
  const configs = new Map<string, number>();
  const changes: ProvisionedChange[] = [];
  const server = bufferedServer(async (req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/2019-09-30\/functions\/([^/]+)\/provisioned-concurrency$/.exec(url.pathname);
    if (!match?.[1])
      return error(res, 400, 'InvalidParameterValueException', 'only provisioned concurrency is emulated');
    const name = decodeURIComponent(match[1]);
    const qualifier = url.searchParams.get('Qualifier') ?? '';
    const fn = Object.values(functions).find((f) => f.spec.functionName === name || f.spec.arn === name);
    if (!fn) return error(res, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
    if (qualifier === '' || qualifier === '$LATEST') {
      return error(res, 400, 'InvalidParameterValueException', 'provisioned concurrency needs an alias or version');
    }
    const key = `${fn.spec.functionName}:${qualifier}`;
    const record = (executions: number) =>
      changes.push({ at: new Date().toISOString(), functionName: fn.spec.functionName, qualifier, executions });
    if (req.method === 'PUT') {
      const { ProvisionedConcurrentExecutions: executions } = JSON.parse(body.toString('utf8') || '{}') as {
        ProvisionedConcurrentExecutions?: number;
      };
      if (!Number.isInteger(executions) || (executions as number) < 1) {
        return error(res, 400, 'InvalidParameterValueException', 'ProvisionedConcurrentExecutions must be >= 1');
      }
      configs.set(key, executions as number);
      record(executions as number);
      log(`provisioned concurrency of ${key}: ${executions}`);
      // Lambda answers 202 at once and allocates in the background.
      void fn.setProvisioned(executions as number).catch((e) => log(`provisioning ${key} failed: ${e}`));
      return sendJson(res, 202, {
        RequestedProvisionedConcurrentExecutions: executions,
        AvailableProvisionedConcurrentExecutions: 0,
        AllocatedProvisionedConcurrentExecutions: 0,
        Status: 'IN_PROGRESS',
        LastModified: new Date().toISOString(),
      });
    }
    if (req.method === 'DELETE') {
      if (!configs.delete(key)) return error(res, 404, 'ProvisionedConcurrencyConfigNotFoundException', 'none set');
      record(0);
      log(`provisioned concurrency of ${key}: removed`);
      await fn.setProvisioned(0);
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET') {
      const executions = configs.get(key);
      if (executions === undefined) {
        return error(res, 404, 'ProvisionedConcurrencyConfigNotFoundException', 'none set');
      }
      return sendJson(res, 200, {
        RequestedProvisionedConcurrentExecutions: executions,
        AllocatedProvisionedConcurrentExecutions: executions,
        Status: 'READY',
      });
    }
    return error(res, 405, 'InvalidParameterValueException', `${req.method} is not emulated`);
  });
  const listener = await listenLocal(server);
  return {
    endpoint: listener.url,
    bind: (fns) => {
      functions = fns;
    },
    changes: () => changes,
    stop: listener.close,
  };
}
