import type { LocalEventRule } from '../event-bus';
import { parsePattern } from '../event-pattern';
import {
  LOCAL_ACCOUNT,
  LOCAL_REGION,
  type PhysicalResource,
  resolveIntrinsics,
  resourcesOfType,
  type SynthesizedStack,
} from '../template';

/**
 * Records the template's AWS::Events::EventBus resources in `physical` (`Ref` the bus name, `Name` and `Arn`
 * attributes), so the publisher's EVENT_BUS_NAME resolves, and reads the AWS::Events::Rule resources with an
 * EventPattern (schedules are tools/local/provision/schedules.ts's) for the local bus to match and log.
 * @returns the bus names and the rules (each with its bus's name, `default` when it names none).
 * @throws Error when a rule's EventPattern uses a matcher tools/local/event-pattern.ts does not support.
 */
export function provisionEventBuses(
  stack: SynthesizedStack,
  physical: Record<string, PhysicalResource>,
): { buses: string[]; rules: LocalEventRule[] } {
  const buses: string[] = [];
  for (const [id, bus] of resourcesOfType(stack, 'AWS::Events::EventBus')) {
    const name = (bus.Properties?.Name as string | undefined) ?? id;
    buses.push(name);
    physical[id] = {
      ref: name,
      attributes: { Name: name, Arn: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${name}` },
    };
  }
  const rules: LocalEventRule[] = [];
  for (const [logicalId, rule] of resourcesOfType(stack, 'AWS::Events::Rule')) {
    const p = rule.Properties ?? {};
    if (p.EventPattern === undefined) continue;
    const bus = p.EventBusName === undefined ? 'default' : String(resolveIntrinsics(p.EventBusName, physical));
    rules.push({
      logicalId,
      eventBusName: bus.replace(/^arn:[^:]+:events:.*:event-bus\//, ''),
      pattern: parsePattern(p.EventPattern),
    });
  }
  return { buses, rules };
}
