// media.worker-status: capacity and load, every MEDIA_STATUS_INTERVAL_MS, so the SBC can pick the
// least-loaded worker (see MediaWorkerDirectory in @ccx/media-relay). CPU is this process's
// share of one core since the previous status.

import type { Redis } from 'ioredis';
import type { EventBus } from '@ccx/event-bus';
import {
  removeWorkerStatus,
  storeWorkerStatus,
  type MediaEngine,
  type WorkerStatus,
} from '@ccx/media-relay';
import type { Logger } from '@ccx/observability';

export function startWorkerStatus(
  bus: EventBus,
  redis: Redis,
  busPrefix: string,
  engine: MediaEngine,
  workerId: string,
  intervalMs: number,
  logger: Logger,
): { stop(draining: boolean): Promise<void> } {
  let lastCpu = process.cpuUsage();
  let lastWall = process.hrtime.bigint();
  const status = (draining: boolean) => {
    const cpu = process.cpuUsage();
    const wall = process.hrtime.bigint();
    const usedUs = cpu.user - lastCpu.user + (cpu.system - lastCpu.system);
    const wallUs = Number(wall - lastWall) / 1000;
    lastCpu = cpu;
    lastWall = wall;
    const data: WorkerStatus = {
      workerId,
      capacity: draining ? 0 : engine.capacity,
      activeSessions: engine.activeSessions,
      transcodingSessions: engine.transcodingSessions,
      cpu: wallUs > 0 ? Math.round((usedUs / wallUs) * 1000) / 1000 : 0,
      intervalMs,
      draining,
    };
    return Promise.all([
      bus.publish('media.worker-status', { tenantId: 'system', data }),
      draining
        ? removeWorkerStatus(redis, busPrefix, workerId)
        : storeWorkerStatus(redis, busPrefix, data),
    ]);
  };
  const publish = () =>
    status(false).catch((err: unknown) => logger.warn({ err }, 'worker status not published'));
  void publish();
  const timer = setInterval(() => void publish(), intervalMs);
  timer.unref();
  return {
    async stop(draining) {
      clearInterval(timer);
      if (draining) await status(true).catch(() => undefined);
    },
  };
}
