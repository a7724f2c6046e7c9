// Timers that survive the replica that set them: a sorted set of due times in Redis. Every
// replica polls it; ZREM decides which one fires a timer, so each fires exactly once.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface DueTimer {
  tenantId: string;
  interactionId: string;
  timerId: string;
}

const SEP = '|';

export class TimerStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:timers`;
  }

  private member(t: DueTimer): string {
    return [t.tenantId, t.interactionId, t.timerId].join(SEP);
  }

  async set(t: DueTimer, dueAt: number): Promise<void> {
    await this.redis.zadd(this.key, dueAt, this.member(t));
  }

  async cancel(t: DueTimer): Promise<void> {
    await this.redis.zrem(this.key, this.member(t));
  }

  /** Claims timers due by `now` (at most `limit`); another replica never gets the same one. */
  async claimDue(now: number, limit = 200): Promise<DueTimer[]> {
    const members = await this.redis.zrangebyscore(this.key, '-inf', now, 'LIMIT', 0, limit);
    if (members.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const m of members) pipe.zrem(this.key, m);
    const results = (await pipe.exec()) ?? [];
    const out: DueTimer[] = [];
    members.forEach((m, i) => {
      if (results[i]?.[1] !== 1) return;
      const [tenantId = '', interactionId = '', timerId = ''] = m.split(SEP);
      out.push({ tenantId, interactionId, timerId });
    });
    return out;
  }
}

const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A short Redis lock around one interaction's flow steps: its DTMF, prompt and timer events may
 * be handled by two replicas at once and must apply one after the other.
 */
export async function withLock<T>(
  redis: Redis,
  key: string,
  fn: () => Promise<T>,
  ttlMs = 5_000,
  waitMs = 5_000,
): Promise<T> {
  const token = randomUUID();
  const giveUp = Date.now() + waitMs;
  let pause = 2;
  while ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') {
    if (Date.now() > giveUp) throw new Error(`lock ${key} not acquired in ${waitMs} ms`);
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 50);
  }
  try {
    return await fn();
  } finally {
    await redis.eval(UNLOCK, 1, key, token);
  }
}
