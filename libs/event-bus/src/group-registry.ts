import type { Redis } from 'ioredis';
import { z } from 'zod';
import { eventNames, type EventName } from '@ccx/contracts';
import { DEFAULT_RETRY, type RetryPolicy } from './job-options';
import type { RegistryKeys } from './keys';

export interface GroupEntry {
  group: string;
  policy: RetryPolicy;
}

/** What a publisher knows of the registry at one moment. */
export interface RegistrySnapshot {
  version: string;
  groupsOf(name: EventName): readonly GroupEntry[];
}

const policySchema = z.object({
  attempts: z.number().int().positive(),
  backoffMs: z.number().int().nonnegative(),
});

function parsePolicy(raw: string | undefined): RetryPolicy {
  if (!raw) return DEFAULT_RETRY;
  try {
    const parsed = policySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : DEFAULT_RETRY;
  } catch {
    return DEFAULT_RETRY;
  }
}

/**
 * The durable registry of consumer groups: for every event name, the set of groups subscribed
 * to it, plus each group's retry policy. Groups are registered before their workers start and
 * stay registered across restarts, so events published while a group's service is down wait
 * in its queues.
 *
 * Publishers keep a snapshot in memory. It is refreshed when a registry change is announced on
 * pub/sub, periodically, and whenever a publish sees that the registry version moved (see
 * Publisher), so a publish that starts after `subscribe` resolved always reaches that group.
 */
export class GroupRegistry {
  private snapshot: RegistrySnapshot | undefined;
  private loading: Promise<RegistrySnapshot> | undefined;
  /** Bumped by invalidate(); a load that started before an invalidation is not cached. */
  private generation = 0;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RegistryKeys,
  ) {}

  async register(group: string, names: readonly EventName[], policy: RetryPolicy): Promise<void> {
    const tx = this.redis.multi();
    for (const name of names) tx.sadd(this.keys.groupsOf(name), group);
    tx.sadd(this.keys.namesOf(group), ...names);
    tx.hset(this.keys.policies, group, JSON.stringify(policy));
    tx.incr(this.keys.version);
    await tx.exec();
    await this.redis.publish(this.keys.channel, 'changed');
    this.invalidate();
  }

  /** Event names a group subscribed to, across all its instances. */
  async namesOf(group: string): Promise<EventName[]> {
    const names = await this.redis.smembers(this.keys.namesOf(group));
    return names.filter((n): n is EventName => (eventNames as string[]).includes(n));
  }

  /** Current version counter in Redis (cheap; pipelined with the jobs of a publish). */
  version(): Promise<string> {
    return this.redis.get(this.keys.version).then((v) => v ?? '0');
  }

  /** The cached snapshot, loading it if there is none. */
  current(): Promise<RegistrySnapshot> {
    if (this.snapshot) return Promise.resolve(this.snapshot);
    return this.refresh();
  }

  invalidate(): void {
    this.generation++;
    this.snapshot = undefined;
  }

  /** Reads the whole registry (one pipelined round trip). Concurrent callers share one load. */
  refresh(): Promise<RegistrySnapshot> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<RegistrySnapshot> {
    const generation = this.generation;
    const pipe = this.redis.pipeline();
    pipe.get(this.keys.version);
    pipe.hgetall(this.keys.policies);
    for (const name of eventNames) pipe.smembers(this.keys.groupsOf(name));
    const results = (await pipe.exec()) ?? [];
    const failed = results.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
    const version = (results[0]?.[1] as string | null) ?? '0';
    const policies = (results[1]?.[1] as Record<string, string> | null) ?? {};
    const byName = new Map<EventName, GroupEntry[]>();
    eventNames.forEach((name, i) => {
      const groups = ((results[i + 2]?.[1] as string[] | null) ?? []).sort();
      byName.set(
        name,
        groups.map((group) => ({ group, policy: parsePolicy(policies[group]) })),
      );
    });
    const snapshot: RegistrySnapshot = {
      version,
      groupsOf: (name) => byName.get(name) ?? [],
    };
    if (generation === this.generation) this.snapshot = snapshot;
    return snapshot;
  }
}
