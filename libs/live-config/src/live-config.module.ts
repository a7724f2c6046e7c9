import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  Module,
  Param,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { tenantId as tenantIdSchema } from '@ccx/contracts';
import { EVENT_BUS, type EventBus, type Subscription } from '@ccx/event-bus';
import type { Logger } from '@ccx/observability';
import { DATABASE, type DatabaseHandle } from '@ccx/persistence';
import { LOGGER, REDIS } from '@ccx/service-kit';
import { LiveConfig } from './live-config';
import { isLiveResource, type LiveResource } from './resources';

export const LIVE_CONFIG = Symbol('LIVE_CONFIG');
const OPTIONS = Symbol('LIVE_CONFIG_OPTIONS');

export interface LiveConfigOptions {
  /** Bus consumer group: one per service, shared by its replicas. */
  service: string;
  resources: readonly LiveResource[];
  busPrefix: string;
}

class LiveConfigLifecycle implements OnModuleInit, OnApplicationShutdown {
  private subscription: Subscription | undefined;

  constructor(
    @Inject(OPTIONS) private readonly options: LiveConfigOptions,
    @Inject(LIVE_CONFIG) private readonly live: LiveConfig,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit() {
    const resources = this.options.resources;
    this.subscription = await this.bus.subscribe(
      this.options.service,
      ['config.changed'],
      async (event) => {
        if (!resources.includes(event.data.resource as LiveResource)) return;
        await this.live.apply(event);
        this.logger.info({ tenantId: event.tenantId, ...event.data }, 'configuration picked up');
      },
    );
    const rows = await this.live.syncAll(resources);
    this.logger.info({ rows, resources }, 'live configuration loaded');
  }

  async onApplicationShutdown() {
    await this.subscription?.close();
  }
}

@Controller('live-config')
class LiveConfigController {
  constructor(@Inject(LIVE_CONFIG) private readonly live: LiveConfig) {}

  /** What this service runs with for one tenant (internal port; for operators and tests). */
  @Get(':tenantId/:resource')
  async list(@Param('tenantId') tenantId: string, @Param('resource') resource: string) {
    if (!tenantIdSchema.safeParse(tenantId).success)
      throw new BadRequestException('tenantId is not a tenant id');
    if (!isLiveResource(resource))
      throw new BadRequestException(`resource "${resource}" is not live configuration`);
    return { items: await this.live.list(tenantId, resource) };
  }
}

/**
 * Keeps a service's configuration current without restarts: loads it at start, then applies
 * `config.changed` events as they come (see docs/live-config.md). Reads through the process's
 * DatabaseModule (import it first).
 */
@Module({})
export class LiveConfigModule {
  static forRoot(options: LiveConfigOptions): DynamicModule {
    return {
      module: LiveConfigModule,
      controllers: [LiveConfigController],
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: LIVE_CONFIG,
          inject: [REDIS, DATABASE],
          useFactory: (redis: Redis, database: DatabaseHandle) =>
            new LiveConfig(redis, database.db, options.busPrefix),
        },
        LiveConfigLifecycle,
      ],
      exports: [LIVE_CONFIG],
    };
  }
}
