import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type AdmissionMode, ENV } from '../../src/contract/names';

/** A CloudFormation resource as synthesized. */
export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

/** A synthesized stack: its template and where its assets live. */
export interface SynthesizedStack {
  readonly stackName: string;
  readonly cdkOut: string;
  readonly resources: Record<string, Resource>;
}

/** Local account that every ARN uses. */
export const LOCAL_ACCOUNT = '000000000000';
/** Local region that every ARN, URL and SigV4 scope uses. */
export const LOCAL_REGION = 'us-east-1';

/**
 * Reads one stack of a cloud assembly (`cdk.out/manifest.json` -> `<stack>.template.json`): `stackName`, or the
 * only one.
 * @throws Error when the assembly has no stack, lacks `stackName`, or has several and `stackName` names none.
 */
export function loadStack(cdkOut: string, stackName?: string): SynthesizedStack {
  const manifest = JSON.parse(readFileSync(path.join(cdkOut, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; displayName?: string; properties?: { templateFile?: string } }>;
  };
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const names = stacks.map(([name]) => name);
  if (stacks.length === 0) throw new Error(`no stack in ${cdkOut}`);
  if (stackName === undefined && stacks.length > 1) {
    throw new Error(`${cdkOut} has ${stacks.length} stacks (${names.join(', ')}): name one with --stack`);
  }
  const found = stackName === undefined ? stacks[0] : stacks.find(([name]) => name === stackName);
  if (!found) throw new Error(`no stack ${stackName} in ${cdkOut}: it has ${names.join(', ')}`);
  const [name, artifact] = found;
  const template = JSON.parse(
    readFileSync(path.join(cdkOut, artifact.properties?.templateFile ?? `${name}.template.json`), 'utf8'),
  ) as { Resources: Record<string, Resource> };
  return { stackName: name, cdkOut, resources: template.Resources };
}

/** The logical id of an FcfsCoupon's coupon table: `<instance prefix>DataCouponTable<8 hex digits>`. */
const COUPON_TABLE_ID = /^(.*)DataCouponTable[0-9A-F]{8}$/;

/**
 * The FcfsCoupon instances of `stack`, each as the prefix every logical id of its resources starts with (its
 * construct path without separators: `Coupons`, `OutletCoupons`, `BrandCoupons` for `Brand/Coupons`).
 */
export function couponInstances(stack: SynthesizedStack): string[] {
  return resourcesOfType(stack, 'AWS::DynamoDB::Table')
    .map(([id]) => COUPON_TABLE_ID.exec(id)?.[1])
    .filter((prefix): prefix is string => prefix !== undefined);
}

/**
 * `stack` with one FcfsCoupon instance (the local cloud emulates one API and one JWT issuer): `instance`, or the
 * only one. The resources of the other instances are left out; everything else (the app's own resources, such as
 * a user pool the instance uses) stays.
 * @returns the stack and the instances left out.
 * @throws Error when the stack has no instance, `instance` is none of them, or it has several and none is named.
 */
export function selectInstance(
  stack: SynthesizedStack,
  instance?: string,
): { stack: SynthesizedStack; instance: string; leftOut: string[] } {
  const instances = couponInstances(stack);
  if (instances.length === 0) throw new Error(`stack ${stack.stackName} has no FcfsCoupon`);
  if (instance === undefined && instances.length > 1) {
    throw new Error(
      `stack ${stack.stackName} has ${instances.length} FcfsCoupons (${instances.join(', ')}): name one with --construct`,
    );
  }
  const chosen = instance ?? (instances[0] as string);
  if (!instances.includes(chosen)) {
    throw new Error(`stack ${stack.stackName} has no FcfsCoupon ${chosen}: it has ${instances.join(', ')}`);
  }
  /** The instance a logical id belongs to: the longest instance prefix it starts with. */
  const owner = (id: string) => instances.filter((p) => id.startsWith(p)).sort((x, y) => y.length - x.length)[0];
  const resources = Object.fromEntries(
    Object.entries(stack.resources).filter(([id]) => {
      const of = owner(id);
      return of === undefined || of === chosen;
    }),
  );
  return { stack: { ...stack, resources }, instance: chosen, leftOut: instances.filter((p) => p !== chosen) };
}

/**
 * Resource types the local cloud runs or stands in for (tools/local/provision/), or that need nothing locally
 * (permissions, alarms, dashboards, stages and the like: configuration the local cloud has no use for).
 */
const RUN_LOCALLY = new Set([
  'AWS::DynamoDB::Table',
  'AWS::SQS::Queue',
  'AWS::Lambda::Function',
  'AWS::Lambda::Alias',
  'AWS::Lambda::Version',
  'AWS::Lambda::EventSourceMapping',
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Stage',
  'AWS::Events::Rule',
  'AWS::Events::EventBus',
  'AWS::Events::EventBusPolicy',
  'AWS::Cognito::UserPool',
  'AWS::Cognito::UserPoolClient',
  'AWS::Scheduler::ScheduleGroup',
  'AWS::Logs::LogGroup',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::Lambda::Permission',
  'AWS::SQS::QueuePolicy',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SNS::Subscription',
  'AWS::CDK::Metadata',
]);

/**
 * What of `stack` the local cloud does not run, as `LogicalId (Type)`: resources of a type outside
 * {@link RUN_LOCALLY}, and functions on a runtime other than Node.js (CDK's Python custom resources).
 */
export function notRunLocally(stack: SynthesizedStack): string[] {
  return Object.entries(stack.resources)
    .filter(([, r]) => !RUN_LOCALLY.has(r.Type) || (r.Type === 'AWS::Lambda::Function' && !isNodeFunction(r)))
    .map(([id, r]) =>
      r.Type === 'AWS::Lambda::Function' ? `${id} (${r.Type}, ${String(r.Properties?.Runtime)})` : `${id} (${r.Type})`,
    );
}

/**
 * The Node.js runtimes (`nodejs24.x`) of the stack's functions, each once: what tools/local/node-runtime.ts must find.
 */
export function nodeRuntimes(stack: SynthesizedStack): string[] {
  return [
    ...new Set(
      resourcesOfType(stack, 'AWS::Lambda::Function')
        .filter(([, r]) => isNodeFunction(r))
        .map(([, r]) => String(r.Properties?.Runtime)),
    ),
  ];
}

/** True for a function on a Node.js runtime (`nodejs24.x`), which the local cloud runs. */
export function isNodeFunction(resource: Resource): boolean {
  return String(resource.Properties?.Runtime ?? '').startsWith('nodejs');
}

/**
 * The admission mode the stack's functions were synthesized for (their `ADMISSION_MODE` variable) and, in Redis
 * mode, the Upstash secret they read (`UPSTASH_SECRET_ID`, src/contract/names.ts ENV).
 * @throws Error when no function of the stack carries `ADMISSION_MODE`: the stack holds no FcfsCoupon.
 */
export function admissionModeOf(stack: SynthesizedStack): { mode: AdmissionMode; upstashSecretId?: string } {
  for (const [, r] of resourcesOfType(stack, 'AWS::Lambda::Function')) {
    const variables = (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    const mode = variables?.[ENV.ADMISSION_MODE];
    if (mode === 'redis' || mode === 'dynamodb') {
      const secret = variables?.[ENV.UPSTASH_SECRET_ID];
      return typeof secret === 'string' ? { mode, upstashSecretId: secret } : { mode };
    }
  }
  throw new Error(`stack ${stack.stackName} has no FcfsCoupon: no function carries ${ENV.ADMISSION_MODE}`);
}

/** Logical ids of the resources of one type. */
export function resourcesOfType(stack: SynthesizedStack, type: string): [string, Resource][] {
  return Object.entries(stack.resources).filter(([, r]) => r.Type === type);
}

/** What `Ref` and `Fn::GetAtt` of a logical id resolve to locally. */
export interface PhysicalResource {
  readonly ref: string;
  readonly attributes: Record<string, string>;
}

/**
 * Resolves CloudFormation intrinsics in `value` against local physical resources: `Ref` (resources and pseudo
 * parameters), `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, `Fn::Select`.
 * @throws Error for a reference to an unknown resource or an unsupported intrinsic.
 */
export function resolveIntrinsics(value: unknown, physical: Record<string, PhysicalResource>): unknown {
  const pseudo: Record<string, string> = {
    'AWS::Region': LOCAL_REGION,
    'AWS::AccountId': LOCAL_ACCOUNT,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': 'local',
  };
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0] as [string, unknown];
      if (fn === 'Ref') {
        const name = String(arg);
        if (pseudo[name] !== undefined) return pseudo[name];
        const target = physical[name];
        if (!target) throw new Error(`Ref to unknown or unsupported resource ${name}`);
        return target.ref;
      }
      if (fn === 'Fn::GetAtt') {
        const [id, attribute] = (Array.isArray(arg) ? arg : String(arg).split('.')) as [string, string];
        const found = physical[id]?.attributes[attribute];
        if (found === undefined) throw new Error(`Fn::GetAtt ${id}.${attribute} is not available locally`);
        return found;
      }
      if (fn === 'Fn::Join') {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map(walk).join(separator);
      }
      if (fn === 'Fn::Select') {
        const [index, list] = arg as [number, unknown];
        return (walk(list) as unknown[])[Number(index)];
      }
      if (fn === 'Fn::Sub') {
        const [text, vars] = (typeof arg === 'string' ? [arg, {}] : arg) as [string, Record<string, unknown>];
        return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (vars[name] !== undefined) return String(walk(vars[name]));
          if (pseudo[name] !== undefined) return pseudo[name] as string;
          const [id, attribute] = name.split('.') as [string, string | undefined];
          const target = physical[id];
          if (!target) throw new Error(`Fn::Sub reference to unknown resource ${name}`);
          return attribute ? (target.attributes[attribute] ?? '') : target.ref;
        });
      }
      if (fn.startsWith('Fn::')) throw new Error(`intrinsic ${fn} is not supported by the local cloud`);
    }
    return Object.fromEntries(entries.map(([k, x]) => [k, walk(x)]));
  };
  return walk(value);
}
