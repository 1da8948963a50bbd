import {
  DeleteProvisionedConcurrencyConfigCommand,
  type LambdaClient,
  ProvisionedConcurrencyConfigNotFoundException,
  PutProvisionedConcurrencyConfigCommand,
} from '@aws-sdk/client-lambda';
import type { ProvisionedConcurrency } from '../../domain/drop-plan/ports';

/**
 * Provisioned concurrency of one published alias (`functionName:qualifier`) through the Lambda API:
 * PutProvisionedConcurrencyConfig for a positive count, DeleteProvisionedConcurrencyConfig for 0 (a missing
 * configuration, ProvisionedConcurrencyConfigNotFoundException, is already 0).
 */
export class LambdaProvisionedConcurrency implements ProvisionedConcurrency {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
    private readonly qualifier: string,
  ) {}

  async set(executions: number): Promise<void> {
    const target = { FunctionName: this.functionName, Qualifier: this.qualifier };
    if (executions > 0) {
      await this.client.send(
        new PutProvisionedConcurrencyConfigCommand({ ...target, ProvisionedConcurrentExecutions: executions }),
      );
      return;
    }
    try {
      await this.client.send(new DeleteProvisionedConcurrencyConfigCommand(target));
    } catch (error) {
      if (!(error instanceof ProvisionedConcurrencyConfigNotFoundException)) throw error;
    }
  }
}
