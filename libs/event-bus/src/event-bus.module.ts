import {
  Global,
  Inject,
  Module,
  Optional,
  type DynamicModule,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Logger, Registry } from '@ccx/observability';
import type { CommonConfig } from '@ccx/config';
import {
  HealthRegistry,
  LOGGER,
  METRICS,
  ServiceKitModule,
  type ServiceContext,
} from '@ccx/service-kit';
import { createEventBus, type EventBusOptions } from './event-bus';
import type { EventBus } from './types';

/** Injection token of the service's EventBus. */
export const EVENT_BUS = Symbol('EVENT_BUS');

export type EventBusModuleOptions = EventBusOptions;

class EventBusLifecycle implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Optional() @Inject(HealthRegistry) private readonly health: HealthRegistry | null,
  ) {}

  onModuleInit() {
    // Redis reachable and every worker of this process running.
    this.health?.register('event-bus', async () => ({ ...(await this.bus.health()) }));
  }

  // The earliest shutdown hook: workers stop taking jobs and finish (or give back) in-flight
  // ones while the rest of the application (database pools...) is still open.
  async onModuleDestroy() {
    await this.bus.close();
  }
}

/**
 * Global module providing EVENT_BUS. Uses the service kit's LOGGER and METRICS when present
 * (import ServiceKitModule first), else the ones in the options.
 */
@Global()
@Module({})
export class EventBusModule {
  static forRoot(options: EventBusModuleOptions): DynamicModule {
    return {
      module: EventBusModule,
      providers: [
        {
          provide: EVENT_BUS,
          inject: [
            { token: LOGGER, optional: true },
            { token: METRICS, optional: true },
          ],
          useFactory: (logger?: Logger, metrics?: Registry): EventBus =>
            createEventBus({
              ...options,
              logger: options.logger ?? logger,
              metrics: options.metrics ?? metrics,
            }),
        },
        EventBusLifecycle,
      ],
      exports: [EVENT_BUS],
    };
  }
}

/**
 * The modules every service starts with: the service kit (logger, metrics, Redis, /health,
 * /metrics) and the event bus, both from the common configuration.
 */
export function serviceFoundation(
  ctx: ServiceContext,
  config: Pick<CommonConfig, 'REDIS_URL' | 'BUS_PREFIX'>,
): DynamicModule[] {
  return [
    ServiceKitModule.forRoot({ ...ctx, redisUrl: config.REDIS_URL }),
    EventBusModule.forRoot({
      redisUrl: config.REDIS_URL,
      prefix: config.BUS_PREFIX,
      source: ctx.info.name,
      instanceId: ctx.info.instanceId,
    }),
  ];
}
