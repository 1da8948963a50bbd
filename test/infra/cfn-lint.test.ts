import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { FcfsCouponStack } from '../../src/construct/fcfs-coupon-stack';
import { STACK_SHAPES } from '../support/stack-shapes';

// cfn-lint (the CloudFormation linter, `pip install cfn-lint`) over every stack shape: zero errors and zero
// warnings, but those the repository's .cfnlintrc ignores, each with its reason.

jest.setTimeout(180_000);

const root = path.join(__dirname, '..', '..');

/** The cfn-lint command: `CFN_LINT` or `cfn-lint` on the PATH. */
const command = process.env.CFN_LINT ?? 'cfn-lint';

describe('infra: cfn-lint', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cfn-lint-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds nothing in any synthesized stack shape', () => {
    const version = spawnSync(command, ['--version'], { encoding: 'utf8' });
    if (version.error) throw new Error(`${command} is not installed: pip install cfn-lint (${version.error.message})`);
    const files = STACK_SHAPES.map(([name, props], i) => {
      const app = new App();
      const stack = new FcfsCouponStack(app, `Lint${i}`, props);
      const file = path.join(dir, `${name.replace(/[^A-Za-z0-9]+/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(app.synth().getStackByName(stack.stackName).template, null, 1));
      return file;
    });
    // One run over all templates, from the repository root so that .cfnlintrc applies.
    const run = spawnSync(command, files, { cwd: root, encoding: 'utf8' });
    expect({ status: run.status, findings: `${run.stdout}${run.stderr}`.trim() }).toEqual({ status: 0, findings: '' });
  });

  it('reports a template error (the check can fail)', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(
      file,
      JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'soon' } } } }),
    );
    const run = spawnSync(command, [file], { cwd: root, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toMatch(/E\d{4}/);
  });
});
