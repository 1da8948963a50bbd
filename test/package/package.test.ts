import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HANDLERS } from '../../src/contract/names';

// The package as a team installs it: `npm pack`, then scratch CDK apps outside the repository that install only
// the tarball beside aws-cdk-lib and constructs (and, in TypeScript, what README.md tells a reader to install),
// synthesize with no esbuild or Docker reachable, and pass cfn-lint.

jest.setTimeout(600_000);

const root = path.join(__dirname, '..', '..');
const cfnLint = process.env.CFN_LINT ?? 'cfn-lint';
const installed = (name: string): string =>
  (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;

/** Runs `command` in `cwd`; throws with its output when it fails. */
function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/**
 * The TypeScript blocks of README.md's "Use it in your own CDK app" section, as written: the app (0) and the
 * client script (1).
 */
function readmeSample(index: 0 | 1): string {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Use it in your own CDK app');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const sample = [...section.matchAll(/```ts\n([\s\S]*?)```/g)][index]?.[1];
  if (!sample) throw new Error(`README.md's 'Use it in your own CDK app' has no ts block ${index}`);
  return sample;
}

/**
 * A PATH holding nothing but `node`: neither esbuild, Docker, nor this repository's node_modules/.bin can be
 * found by a synth that looks for them.
 */
function bareEnv(dir: string, outdir: string): NodeJS.ProcessEnv {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  if (!existsSync(path.join(bin, 'node'))) symlinkSync(process.execPath, path.join(bin, 'node'));
  return { PATH: bin, HOME: dir, CDK_OUTDIR: outdir, CDK_DOCKER: path.join(dir, 'no-docker') };
}

/** Installs `packages` into a fresh app folder under `dir` (the npm cache makes repeats cheap). */
function scratchApp(dir: string, name: string, packages: readonly string[]): string {
  const app = path.join(dir, name);
  mkdirSync(app, { recursive: true });
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name, version: '0.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...packages], app);
  return app;
}

/** Every template of the cloud assembly in `outdir`, by stack name. */
function templates(outdir: string): Map<string, string> {
  return new Map(
    readdirSync(outdir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => [f.replace(/\.template\.json$/, ''), path.join(outdir, f)]),
  );
}

/** How many of a template's functions are the package's: those carrying a Powertools service name. */
function functionCount(templateFile: string): number {
  const { Resources } = JSON.parse(readFileSync(templateFile, 'utf8')) as {
    Resources: Record<string, { Type: string; Properties?: { Environment?: { Variables?: Record<string, unknown> } } }>;
  };
  return Object.values(Resources).filter(
    (r) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
  ).length;
}

describe('package: installed from its tarball into CDK apps of their own', () => {
  let dir: string;
  let tarball: string;
  /** The TypeScript app, built by its test, which the local cloud test runs. */
  let tsApp: string | undefined;
  const peers = [`aws-cdk-lib@${installed('aws-cdk-lib')}`, `constructs@${installed('constructs')}`];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fcfs-package-'));
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', dir], root)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const [entry] = packed;
    if (!entry) throw new Error('npm pack produced nothing');
    tarball = path.join(dir, entry.filename);
    writeFileSync(path.join(dir, 'files.json'), JSON.stringify(entry.files.map((f) => f.path)));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships compiled code, types and prebuilt assets, and no sources, tests, tools or scratch files', () => {
    const files = JSON.parse(readFileSync(path.join(dir, 'files.json'), 'utf8')) as string[];
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/index.js',
        'dist/index.d.ts',
        'dist/client/index.js',
        'dist/client/index.d.ts',
        'dist/contract/openapi/api-types.d.ts',
        'dist/local/cli.js',
        'openapi.json',
        'assets/functions/issue-coupon/index.mjs',
        'assets/functions/consume-admissions/index.js',
        'assets/web/console/index.html',
        'assets/web/drop/main.js',
        'README.md',
        'package.json',
      ]),
    );
    const unexpected = files.filter(
      (f) => !/^(dist|assets|docs\/api)\//.test(f) && !/^[A-Za-z.-]+\.(md|json)$/.test(f),
    );
    expect(unexpected).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('synthesizes a plain JavaScript app embedding FcfsCoupon twice and once with the console, without esbuild or Docker; cfn-lint finds nothing', () => {
    // Prepare
    const app = scratchApp(dir, 'js-app', [tarball, ...peers]);
    expect(existsSync(path.join(app, 'node_modules', 'esbuild'))).toBe(false);
    writeFileSync(
      path.join(app, 'app.js'),
      [
        "const { App, Stack } = require('aws-cdk-lib');",
        "const { FcfsCoupon } = require('fcfs-coupon');",
        'const app = new App();',
        "const shop = new Stack(app, 'Shop');",
        "new FcfsCoupon(shop, 'Coupons');",
        "new FcfsCoupon(shop, 'OutletCoupons', { upstashSecretName: 'prod/upstash' });",
        "new FcfsCoupon(new Stack(app, 'Operated'), 'Coupons', { console: true });",
        '',
      ].join('\n'),
    );
    const outdir = path.join(app, 'cdk.out');
    // Act
    run('node', ['app.js'], app, bareEnv(dir, outdir));
    // Assess
    const stacks = templates(outdir);
    expect([...stacks.keys()].sort()).toEqual(['Operated', 'Shop']);
    // Two FcfsCoupon in Shop, each with one function per handler.
    expect(functionCount(stacks.get('Shop') as string)).toBe(2 * Object.keys(HANDLERS).length);
    run(cfnLint, [...stacks.values()], root);
  });

  it("compiles README's sample as written in a strict TypeScript app, and synthesizes it without esbuild or Docker; cfn-lint finds nothing", () => {
    // Prepare
    const app = scratchApp(dir, 'ts-app', [
      tarball,
      ...peers,
      `typescript@${installed('typescript')}`,
      `@types/node@${installed('@types/node')}`,
      // What README.md tells a reader to install for the local cloud (fcfs-coupon-local).
      `amplify-dynamodb-simulator@${installed('amplify-dynamodb-simulator')}`,
      `fauxqs@${installed('fauxqs')}`,
    ]);
    // cdk init app's tsconfig (aws-cdk's TypeScript app template), strict and checking every declaration file.
    writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['es2022'],
          declaration: true,
          strict: true,
          noImplicitAny: true,
          strictNullChecks: true,
          noImplicitThis: true,
          alwaysStrict: true,
          noImplicitReturns: true,
          noUncheckedIndexedAccess: true,
          typeRoots: ['./node_modules/@types'],
          outDir: 'build',
        },
        include: ['*.ts'],
      }),
    );
    writeFileSync(path.join(app, 'main.ts'), readmeSample(0));
    // A third instance, in a stack of its own.
    writeFileSync(
      path.join(app, 'staging.ts'),
      "import { App, Stack } from 'aws-cdk-lib';\nimport { FcfsCoupon } from 'fcfs-coupon';\n\nnew FcfsCoupon(new Stack(new App(), 'Staging'), 'Coupons');\n",
    );
    writeFileSync(path.join(app, 'try-client.ts'), readmeSample(1));
    const outdir = path.join(app, 'cdk.out');
    // Act
    run('node', [path.join('node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], app, bareEnv(dir, outdir));
    run('node', [path.join('build', 'main.js')], app, bareEnv(dir, outdir));
    run('node', [path.join('build', 'staging.js')], app, bareEnv(dir, outdir));
    // Assess
    const stacks = templates(outdir);
    expect([...stacks.keys()].sort()).toEqual(['Shop', 'Staging']);
    // Two FcfsCoupon in Shop, each with one function per handler.
    expect(functionCount(stacks.get('Shop') as string)).toBe(2 * Object.keys(HANDLERS).length);
    run(cfnLint, [...stacks.values()], root);
    tsApp = app;
  });

  it("runs the app's own assembly with the package's command, fcfs-coupon-local, where a script using fcfs-coupon/client issues and reads a coupon", async () => {
    // Prepare
    if (!tsApp) throw new Error('the TypeScript app was not built');
    const app = tsApp;
    const local = spawn(
      'node',
      [path.join('node_modules', '.bin', 'fcfs-coupon-local'), '--app', 'cdk.out', '--stack', 'Staging', '--port', '0'],
      { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    local.stdout.on('data', (chunk) => {
      output += chunk;
    });
    local.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<void>((resolve) => local.once('exit', () => resolve()));
    try {
      const endpoints = path.join(app, '.local', 'endpoints.json');
      for (let i = 0; i < 240 && !existsSync(endpoints) && local.exitCode === null; i++) await sleep(500);
      if (!existsSync(endpoints)) throw new Error(`fcfs-coupon-local did not start:\n${output}`);
      // Act
      const result = JSON.parse(run('node', [path.join('build', 'try-client.js')], app)) as Record<string, unknown>;
      // Assess
      expect(output).toContain('local cloud ready (dynamodb mode)');
      expect(result).toEqual({ vendor: 201, campaign: 201, issue: 202, coupon: 'ISSUED', sameCoupon: true });
    } finally {
      local.kill('SIGTERM');
      await exited;
    }
  });
});

/** How long to wait, ms. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
