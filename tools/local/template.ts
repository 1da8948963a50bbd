import { readFileSync } from 'node:fs';
import * as path from 'node:path';

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
 * Reads the single stack of a cloud assembly (`cdk.out/manifest.json` -> `<stack>.template.json`).
 * @throws Error when the assembly has no stack or several.
 */
export function loadStack(cdkOut: string): SynthesizedStack {
  const manifest = JSON.parse(readFileSync(path.join(cdkOut, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  if (stacks.length !== 1) throw new Error(`expected one stack in ${cdkOut}, found ${stacks.length}`);
  const [stackName, artifact] = stacks[0] as [string, { properties?: { templateFile?: string } }];
  const template = JSON.parse(
    readFileSync(path.join(cdkOut, artifact.properties?.templateFile ?? `${stackName}.template.json`), 'utf8'),
  ) as { Resources: Record<string, Resource> };
  return { stackName, cdkOut, resources: template.Resources };
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
