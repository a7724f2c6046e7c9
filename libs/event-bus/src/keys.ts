/**
 * Every Redis name the bus uses. Queue names go through BullMQ, which adds `<prefix>:` itself;
 * the registry keys below are ours and carry the prefix explicitly.
 */
const GROUP_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Group and target names end up in queue names: lower-case slugs, no dots or colons. */
export function assertSlug(kind: 'group' | 'target', value: string): void {
  if (!GROUP_PATTERN.test(value)) {
    throw new Error(`${kind} "${value}" must be a lower-case slug (a-z, 0-9, -)`);
  }
}

/** One queue per (consumer group, stream): `ev.<group>.<stream>`. */
export const eventQueueName = (group: string, stream: string) => `ev.${group}.${stream}`;

/** Requests of a command: `cmd.<name>`, or `cmd.<name>.<target>` for one addressed instance. */
export const commandQueueName = (name: string, target?: string) =>
  target ? `cmd.${name}.${target}` : `cmd.${name}`;

export interface RegistryKeys {
  /** Set of groups subscribed to one event name. */
  groupsOf(eventName: string): string;
  /** Set of event names one group subscribed to. */
  namesOf(group: string): string;
  /** Hash group -> JSON retry policy. */
  policies: string;
  /** Counter bumped on every registry change; publishers compare it with their cache. */
  version: string;
  /** Pub/sub channel announcing registry changes. */
  channel: string;
  /** Pub/sub channel where one bus instance receives command replies. */
  replyChannel(instanceId: string): string;
  /** Hash of per-field values and seqs of one call (see SeqStateStore). */
  seqState(scope: string, tenantId: string, callId: string): string;
}

export function registryKeys(prefix: string): RegistryKeys {
  const base = `${prefix}:bus`;
  return {
    groupsOf: (eventName) => `${base}:groups:${eventName}`,
    namesOf: (group) => `${base}:names:${group}`,
    policies: `${base}:policies`,
    version: `${base}:registry-version`,
    channel: `${base}:registry`,
    replyChannel: (instanceId) => `${base}:reply:${instanceId}`,
    seqState: (scope, tenantId, callId) => `${base}:seq:${scope}:${tenantId}:${callId}`,
  };
}
