import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import type { Logger, Registry } from '@ccx/observability';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health-registry';
import { MetricsController } from './metrics.controller';
import { LOGGER, METRICS, REDIS, SERVICE_INFO, type ServiceInfo } from './tokens';

export interface ServiceKitOptions {
  info: ServiceInfo;
  logger: Logger;
  metrics: Registry;
  redisUrl: string;
}

class RedisHealth implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}
  onModuleInit() {
    this.health.register('redis', async () => {
      const started = Date.now();
      await this.redis.ping();
      return { latencyMs: Date.now() - started };
    });
  }
  async onApplicationShutdown() {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * Everything a service needs before its own modules: structured logger, metrics registry,
 * a Redis client, `/health` (terminus, with the checks other modules register) and `/metrics`.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_INFO, useValue: options.info },
        { provide: LOGGER, useValue: options.logger },
        { provide: METRICS, useValue: options.metrics },
        {
          provide: REDIS,
          useFactory: () =>
            new Redis(options.redisUrl, {
              maxRetriesPerRequest: 2,
              connectionName: `${options.info.name}-health`,
            }),
        },
        HealthRegistry,
        RedisHealth,
      ],
      exports: [SERVICE_INFO, LOGGER, METRICS, REDIS, HealthRegistry],
    };
  }
}
