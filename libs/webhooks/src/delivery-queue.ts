import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { Batcher } from './batcher';
import type { RetryPolicy } from './config';

/** BullMQ queue of webhook deliveries. The name is stored in Redis: never rename it. */
export const WEBHOOK_QUEUE = 'webhook-deliveries';
export const BACKOFF_TYPE = 'webhook';

/** Everything needed to send without reading the database first. */
export interface DeliveryJob {
  deliveryId: string;
  tenantId: string;
  subscriptionId: string;
  eventName: string;
  /** The exact bytes to sign and POST. */
  body: string;
}

export interface QueueConnection {
  redisUrl: string;
  /** BullMQ key prefix (the bus prefix), e.g. `ccx` or `{ccx}` on Redis Cluster. */
  prefix: string;
  name?: string;
}

export function createRedis(conn: QueueConnection, role: string): Redis {
  return new Redis(conn.redisUrl, {
    connectionName: `${conn.name ?? 'webhooks'}:${role}`,
    maxRetriesPerRequest: null,
    enableAutoPipelining: true,
    retryStrategy: (times) => Math.min(50 * times, 1_000),
  });
}

/**
 * Job options in one place: the job id is the delivery id (a redelivered event cannot queue a
 * second job), attempts and backoff come from the retry policy. The database is the delivery
 * log, so Redis does not keep finished jobs.
 */
export function deliveryJobOptions(deliveryId: string, policy: RetryPolicy): JobsOptions {
  return {
    jobId: deliveryId,
    attempts: policy.attempts,
    backoff: { type: BACKOFF_TYPE },
    removeOnComplete: true,
    // Endpoint failures end as completed jobs (the outcome is in the database); a failed job is
    // an internal error (e.g. the database was down) and is kept a week for inspection.
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export class DeliveryQueue {
  readonly queue: Queue<DeliveryJob>;
  private readonly redis: Redis;

  constructor(
    conn: QueueConnection,
    private readonly policy: RetryPolicy,
  ) {
    this.redis = createRedis(conn, 'producer');
    this.queue = new Queue<DeliveryJob>(WEBHOOK_QUEUE, {
      connection: this.redis,
      prefix: conn.prefix,
    });
  }

  /** Adds jobs; concurrent callers share one pipelined addBulk (group commit). */
  async enqueue(jobs: DeliveryJob[]): Promise<void> {
    await Promise.all(jobs.map((job) => this.adder.push(job)));
  }

  private readonly adder = new Batcher<DeliveryJob, void>(async (jobs) => {
    await this.queue.addBulk(
      jobs.map((data) => ({
        name: data.eventName,
        data,
        opts: deliveryJobOptions(data.deliveryId, this.policy),
      })),
    );
    return jobs.map(() => undefined);
  });

  async isActive(deliveryId: string): Promise<boolean> {
    const job = await this.queue.getJob(deliveryId);
    return job ? job.isActive() : false;
  }

  /**
   * Starts a new series for a delivery: a job still waiting for its next retry is replaced.
   * Returns false when the delivery is being sent at this very moment.
   */
  async restart(job: DeliveryJob): Promise<boolean> {
    const existing = await this.queue.getJob(job.deliveryId);
    if (existing) {
      if (await existing.isActive()) return false;
      await existing.remove();
    }
    await this.enqueue([job]);
    return true;
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
