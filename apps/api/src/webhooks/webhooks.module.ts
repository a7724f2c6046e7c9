import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { DATABASE, SECRET_BOX, UnitOfWork } from '@ccx/control-plane';
import { EVENT_BUS, type EventBus } from '@ccx/event-bus';
import type { Logger, Registry } from '@ccx/observability';
import type { DatabaseHandle } from '@ccx/persistence';
import type { SecretBox } from '@ccx/security';
import { HealthRegistry, LOGGER, METRICS } from '@ccx/service-kit';
import {
  WebhookManagement,
  WebhookRuntime,
  webhookSettings,
  type WebhookSettings,
} from '@ccx/webhooks';
import type { ApiConfig } from '../config';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhooksController } from './webhooks.controller';

export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');

class WebhooksLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(WebhookRuntime) private readonly runtime: WebhookRuntime,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}

  onModuleInit() {
    this.health.register('webhooks', () => this.runtime.health());
  }

  /** Dispatcher (bus group `webhooks`) and delivery worker start once everything is wired. */
  async onApplicationBootstrap() {
    await this.runtime.start();
  }

  async onModuleDestroy() {
    await this.runtime.close();
  }
}

/**
 * Webhooks in the API process: the subscription and delivery-log routes, the dispatcher on the
 * bus and the delivery worker. All logic is in @ccx/webhooks; this only wires it.
 */
@Module({})
export class WebhooksModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: WebhooksModule,
      controllers: [WebhooksController, WebhookDeliveriesController],
      providers: [
        { provide: WEBHOOK_SETTINGS, useValue: webhookSettings(config) },
        {
          provide: WebhookRuntime,
          inject: [DATABASE, SECRET_BOX, EVENT_BUS, LOGGER, METRICS, WEBHOOK_SETTINGS],
          useFactory: (
            handle: DatabaseHandle,
            box: SecretBox,
            bus: EventBus,
            logger: Logger,
            metrics: Registry,
            settings: WebhookSettings,
          ) =>
            new WebhookRuntime({
              db: handle.db,
              box,
              bus,
              settings,
              logger: logger.child({ component: 'webhooks' }),
              metrics,
              connection: { redisUrl: config.REDIS_URL, prefix: config.BUS_PREFIX, name: 'api' },
            }),
        },
        {
          provide: WebhookManagement,
          inject: [UnitOfWork, WebhookRuntime, SECRET_BOX, WEBHOOK_SETTINGS],
          useFactory: (
            uow: UnitOfWork,
            runtime: WebhookRuntime,
            box: SecretBox,
            settings: WebhookSettings,
          ) => new WebhookManagement(uow, runtime, box, settings),
        },
        WebhooksLifecycle,
      ],
    };
  }
}
