import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EVENT_BUS, type EventBus, type Subscription } from '@ccx/event-bus';
import type { MediaEngine } from '@ccx/media-relay';
import type { Logger } from '@ccx/observability';
import type { Redis } from 'ioredis';
import {
  HealthRegistry,
  LOGGER,
  METRICS,
  REDIS,
  SERVICE_INFO,
  type ServiceInfo,
} from '@ccx/service-kit';
import type { Registry } from '@ccx/observability';
import { serveMediaCommands } from './commands';
import type { MediaWorkerConfig } from './config';
import { createEngine } from './engine-wiring';
import { registerMediaMetrics } from './media-metrics';
import { startWorkerStatus } from './worker-status';

export const MEDIA_ENGINE = Symbol('MEDIA_ENGINE');
const CONFIG = Symbol('MEDIA_CONFIG');

class MediaLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriptions: Subscription[] = [];
  private status?: { stop(draining: boolean): Promise<void> };

  constructor(
    @Inject(CONFIG) private readonly config: MediaWorkerConfig,
    @Inject(MEDIA_ENGINE) private readonly engine: MediaEngine,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(SERVICE_INFO) private readonly info: ServiceInfo,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(METRICS) private readonly metrics: Registry,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap() {
    const workerId = this.info.instanceId;
    registerMediaMetrics(this.metrics, this.engine);
    this.health.register('media', async () => ({
      workerId,
      sessions: this.engine.activeSessions,
      capacity: this.engine.capacity,
      io: this.engine.ioKind,
    }));
    this.subscriptions = await serveMediaCommands(this.bus, this.engine, workerId);
    this.status = startWorkerStatus(
      this.bus,
      this.redis,
      this.config.BUS_PREFIX,
      this.engine,
      workerId,
      this.config.MEDIA_STATUS_INTERVAL_MS,
      this.logger,
    );
    this.logger.info(
      {
        workerId,
        ports: `${this.config.MEDIA_PORT_MIN}-${this.config.MEDIA_PORT_MAX}`,
        capacity: this.engine.capacity,
        io: this.engine.ioKind,
      },
      'media worker ready',
    );
  }

  async onApplicationShutdown() {
    await this.status?.stop(true);
    await Promise.all(this.subscriptions.map((s) => s.close()));
    await this.engine.close();
  }
}

/** The relay engine, its bus commands, worker status, metrics and health. */
@Module({})
export class MediaModule {
  static forRoot(config: MediaWorkerConfig): DynamicModule {
    return {
      module: MediaModule,
      providers: [
        { provide: CONFIG, useValue: config },
        {
          provide: MEDIA_ENGINE,
          inject: [SERVICE_INFO, EVENT_BUS, LOGGER],
          useFactory: (info: ServiceInfo, bus: EventBus, logger: Logger) =>
            createEngine(config, info.instanceId, bus, logger),
        },
        MediaLifecycle,
      ],
      exports: [MEDIA_ENGINE],
    };
  }
}
