import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '@ccx/observability';

export type ClientRole = 'publisher' | 'worker' | 'subscriber';

/**
 * ioredis clients of one bus instance.
 *
 * - publisher: autopipelining (many concurrent publishes share round trips), offline queue on and
 *   no per-command retry limit, so a publish issued during a Redis restart waits for the
 *   reconnect; the bus bounds that wait with its publish timeout.
 * - worker: `maxRetriesPerRequest: null` as BullMQ requires for blocking commands.
 * - subscriber: pub/sub (registry invalidations and command replies).
 */
export function createRedisClient(url: string, role: ClientRole, name: string): Redis {
  const options: RedisOptions = {
    connectionName: `${name}:${role}`,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    enableAutoPipelining: role === 'publisher',
    // Reconnect fast at first, then every 1 s: a Redis restart should cost about a second.
    retryStrategy: (times) => Math.min(50 * times, 1_000),
    // Commands sent but unanswered when the connection dropped are sent again after reconnect.
    // Adding a job twice is harmless: the job id is the eventId.
    autoResendUnfulfilledCommands: true,
  };
  return new Redis(url, options);
}

/** Closes a client politely, or drops it if Redis is unreachable. */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  await client.quit().catch(() => client.disconnect());
}

const CONNECTION_ERRORS =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection is closed|connect ETIMEDOUT/;

/**
 * Error listener for clients, queues and workers: connection errors repeat on every reconnect
 * attempt while Redis is down, so they go to debug (the bus logs the outage once, see
 * watchConnection); anything else is a warning.
 */
export function logRedisError(logger: Logger, context: Record<string, unknown>) {
  return (err: Error) => {
    if (CONNECTION_ERRORS.test(err.message))
      logger.debug({ ...context, err }, 'redis connection error');
    else logger.warn({ ...context, err }, 'redis error');
  };
}

/** One warning when the connection is lost, one info line when it is back. */
export function watchConnection(client: Redis, logger: Logger, role: ClientRole): void {
  let lost = false;
  client.on('error', logRedisError(logger, { role }));
  client.on('close', () => {
    if (lost || client.status === 'end') return;
    lost = true;
    logger.warn({ role }, 'redis connection lost, reconnecting');
  });
  client.on('ready', () => {
    if (!lost) return;
    lost = false;
    logger.info({ role }, 'redis connection restored');
  });
}
