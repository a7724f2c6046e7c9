import { randomBytes } from 'node:crypto';

export const redisUrl = () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A bus key prefix unique to one test, so tests never see each other's queues. */
export const uniquePrefix = (label = 't') => `ccxtest-${label}-${randomBytes(4).toString('hex')}`;
