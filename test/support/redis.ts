import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const redisUrl = () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A bus key prefix unique to one test, so tests never see each other's queues. */
export const uniquePrefix = (label = 't') => `ccxtest-${label}-${randomBytes(4).toString('hex')}`;

/** Removes what a test left in the shared Redis under its private prefix. */
export async function dropKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
