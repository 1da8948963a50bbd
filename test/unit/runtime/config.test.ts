import { ENV } from '../../../src/contract/names';
import { loadConfig } from '../../../src/functions/runtime/config';

const issueEnv = {
  [ENV.CAMPAIGN_TABLE]: 'campaigns',
  [ENV.ADMISSION_TABLE]: 'admissions',
  [ENV.ADMISSION_MODE]: 'dynamodb',
  [ENV.AUTH_MODE]: 'jwt',
  [ENV.ISSUE_QUEUE_URL]: 'https://sqs.us-east-1.amazonaws.com/123456789012/issue',
};

describe('runtime: loadConfig', () => {
  it("reads a function's variables by their contract names, with the defaults of those left unset", () => {
    expect(loadConfig('issue', { ...issueEnv, [ENV.VENDOR_TABLE]: 'not-read-by-issue' })).toEqual({
      ...issueEnv,
      [ENV.ADMISSION_RETENTION_DAYS]: 7,
    });
  });

  it('refuses a missing or malformed variable at cold start, naming each one', () => {
    const { [ENV.ISSUE_QUEUE_URL]: _, ...withoutQueue } = issueEnv;
    const load = () => loadConfig('issue', { ...withoutQueue, [ENV.AUTH_MODE]: 'open' });
    expect(load).toThrow(ENV.ISSUE_QUEUE_URL);
    expect(load).toThrow(ENV.AUTH_MODE);
  });

  it('refuses redis admission without the Upstash secret id', () => {
    expect(() => loadConfig('issue', { ...issueEnv, [ENV.ADMISSION_MODE]: 'redis' })).toThrow(
      `${ENV.ADMISSION_MODE}=redis requires ${ENV.UPSTASH_SECRET_ID}`,
    );
  });
});
