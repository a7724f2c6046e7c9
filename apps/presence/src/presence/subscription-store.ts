import type { Redis } from 'ioredis';
import type { StoredSubscription, SubscriptionStore } from '@ccx/presence-sync';
import { z } from 'zod';

const stored = z.object({
  id: z.string().min(1),
  userIds: z.array(z.string()),
  expiresAt: z.number(),
});

/**
 * A tenant's Graph subscriptions in Redis (hash `<prefix>:presence:subs:{tenantId}`, field =
 * subscription id), so a restarted service takes them over instead of making new ones.
 */
export class RedisSubscriptionStore implements SubscriptionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(tenantId: string): string {
    return `${this.prefix}:presence:subs:{${tenantId}}`;
  }

  async load(tenantId: string): Promise<StoredSubscription[]> {
    const all = await this.redis.hvals(this.key(tenantId));
    const out: StoredSubscription[] = [];
    for (const raw of all) {
      const parsed = stored.safeParse(JSON.parse(raw));
      if (parsed.success) out.push(parsed.data);
    }
    return out;
  }

  async save(tenantId: string, subscription: StoredSubscription): Promise<void> {
    await this.redis.hset(this.key(tenantId), subscription.id, JSON.stringify(subscription));
  }

  async remove(tenantId: string, subscriptionId: string): Promise<void> {
    await this.redis.hdel(this.key(tenantId), subscriptionId);
  }
}
