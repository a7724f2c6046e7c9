// The latest media.worker-status of every worker, also kept in one Redis hash. The bus event is
// delivered to one consumer per group, which suits observers but not a broadcast: every SBC
// replica needs every worker's status. So each worker also writes its status here (field =
// worker id) and removes it when it stops; SBCs read the hash into a MediaWorkerDirectory.

import type { Redis } from 'ioredis';
import { eventCatalogue } from '@ccx/contracts';
import { z } from 'zod';
import type { MediaWorkerDirectory, WorkerStatus } from './worker-directory';

const stored = z.object({
  status: eventCatalogue['media.worker-status'].data,
  /** When the worker wrote it (epoch ms). */
  at: z.number().int(),
});

export const workerStatusKey = (busPrefix: string) => `${busPrefix}:media:workers`;

export async function storeWorkerStatus(
  redis: Redis,
  busPrefix: string,
  status: WorkerStatus,
  at = Date.now(),
): Promise<void> {
  await redis.hset(workerStatusKey(busPrefix), status.workerId, JSON.stringify({ status, at }));
}

export async function removeWorkerStatus(
  redis: Redis,
  busPrefix: string,
  workerId: string,
): Promise<void> {
  await redis.hdel(workerStatusKey(busPrefix), workerId);
}

/**
 * Reads every stored status into the directory. Entries that do not parse are skipped (and
 * returned, for a log line); entries of workers gone for long are deleted.
 */
export async function refreshDirectory(
  redis: Redis,
  busPrefix: string,
  directory: MediaWorkerDirectory,
  nowMs = Date.now(),
): Promise<{ workers: number; invalid: string[] }> {
  const all = await redis.hgetall(workerStatusKey(busPrefix));
  const invalid: string[] = [];
  let workers = 0;
  for (const [workerId, json] of Object.entries(all)) {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      value = undefined;
    }
    const parsed = stored.safeParse(value);
    if (!parsed.success || parsed.data.status.workerId !== workerId) {
      invalid.push(workerId);
      continue;
    }
    const { status, at } = parsed.data;
    if (nowMs - at > 60 * status.intervalMs) {
      await redis.hdel(workerStatusKey(busPrefix), workerId);
      continue;
    }
    directory.update(status, at);
    workers++;
  }
  return { workers, invalid };
}
