import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { EVENT_BUS, type EventBus } from '@ccx/event-bus';
import type { Logger } from '@ccx/observability';
import type { DatabaseHandle } from '@ccx/persistence';
import { DelegatedGraphTokens } from '@ccx/auth';
import { SecretBox } from '@ccx/security';
import { LOGGER } from '@ccx/service-kit';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { Authenticator } from '../api-keys/authenticator';
import { ConfigEvents } from '../events/config-events';
import { IdempotencyStore } from '../idempotency/idempotency.store';
import type { M365Options } from '../m365/m365.options';
import { m365Controllers, m365Providers } from '../m365/m365.providers';
import { TenantScopeFactory } from '../persistence/tenant-scope.factory';
import { UnitOfWork } from '../persistence/unit-of-work';
import { tenantResources } from '../resources';
import { ResourceService } from '../resources/resource.service';
import { QueueIntervalsReader } from '../routing/queue-intervals';
import { RoutingRuntime } from '../routing/routing-runtime.service';
import { TenantsService } from '../tenants/tenants.service';
import { AccessLogInterceptor } from './access-log.interceptor';
import { ApiKeysController } from './api-keys.controller';
import { AuthGuard } from './auth.guard';
import { BandwidthController } from './bandwidth.controller';
import { DocsController } from './docs.controller';
import { ErlangCController } from './erlang-c.controller';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { ProblemFilter } from './problem.filter';
import { QueueIntervalsController } from './queue-intervals.controller';
import { resourceController } from './resource.controller';
import { RoutingController } from './routing.controller';
import { TenantsController } from './tenants.controller';
import { DATABASE, OPENAPI_DOCUMENT, SECRET_BOX } from './tokens';

export interface ControlPlaneOptions {
  /** The operator key (ADMIN_API_KEY). */
  adminApiKey: string;
  /** MASTER_KEY: seals secrets at rest (stored idempotent responses, webhook secrets). */
  masterKey: string;
  /** Served at /docs/openapi.json. */
  openApiDocument: object;
  /** API_PROMPT_DIR: where flows' prompts must exist (default `prompts`). */
  promptDir?: string;
  /** Microsoft 365 (M365_*): connections, sign-in, Entra ID bearer tokens; off when absent. */
  m365?: M365Options;
}

/**
 * The control-plane API: tenants, API keys, every tenant resource, /docs; plus the global
 * guard (auth), filter (problem+json) and interceptor (transaction + idempotency) that feature
 * modules such as webhooks get for free. Needs ServiceKitModule, DatabaseModule and (optionally)
 * EventBusModule imported beside it.
 */
@Global()
@Module({})
export class ControlPlaneModule {
  static forRoot(options: ControlPlaneOptions): DynamicModule {
    return {
      module: ControlPlaneModule,
      controllers: [
        TenantsController,
        ApiKeysController,
        DocsController,
        BandwidthController,
        ErlangCController,
        RoutingController,
        QueueIntervalsController,
        ...tenantResources.map(resourceController),
        ...m365Controllers,
      ],
      providers: [
        { provide: OPENAPI_DOCUMENT, useValue: options.openApiDocument },
        { provide: SECRET_BOX, useFactory: () => new SecretBox(options.masterKey) },
        {
          provide: UnitOfWork,
          inject: [DATABASE, LOGGER],
          useFactory: (handle: DatabaseHandle, logger: Logger) =>
            new UnitOfWork(handle.db, (err) =>
              logger.error({ err }, 'after-commit task failed (config.changed not published)'),
            ),
        },
        {
          provide: ConfigEvents,
          inject: [UnitOfWork, { token: EVENT_BUS, optional: true }],
          useFactory: (uow: UnitOfWork, bus?: EventBus) => new ConfigEvents(uow, bus),
        },
        {
          provide: TenantScopeFactory,
          inject: [UnitOfWork, ConfigEvents],
          useFactory: (uow: UnitOfWork, events: ConfigEvents) =>
            new TenantScopeFactory(uow, events),
        },
        {
          provide: Authenticator,
          inject: [DATABASE],
          useFactory: (handle: DatabaseHandle) => new Authenticator(handle.db, options.adminApiKey),
        },
        {
          provide: IdempotencyStore,
          inject: [UnitOfWork, SECRET_BOX],
          useFactory: (uow: UnitOfWork, box: SecretBox) => new IdempotencyStore(uow, box),
        },
        {
          provide: ResourceService,
          inject: [UnitOfWork],
          useFactory: (uow: UnitOfWork) =>
            new ResourceService(uow, { promptDir: options.promptDir ?? 'prompts' }),
        },
        {
          provide: ApiKeysService,
          inject: [UnitOfWork],
          useFactory: (uow: UnitOfWork) => new ApiKeysService(uow),
        },
        {
          provide: TenantsService,
          inject: [UnitOfWork, ConfigEvents],
          useFactory: (uow: UnitOfWork, events: ConfigEvents) => new TenantsService(uow, events),
        },
        {
          provide: RoutingRuntime,
          inject: [{ token: EVENT_BUS, optional: true }],
          useFactory: (bus?: EventBus) => new RoutingRuntime(bus),
        },
        {
          provide: QueueIntervalsReader,
          inject: [UnitOfWork],
          useFactory: (uow: UnitOfWork) => new QueueIntervalsReader(uow),
        },
        ...m365Providers(options.m365),
        AuthGuard,
        IdempotencyInterceptor,
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: AccessLogInterceptor },
        { provide: APP_INTERCEPTOR, useExisting: IdempotencyInterceptor },
      ],
      exports: [
        SECRET_BOX,
        UnitOfWork,
        ConfigEvents,
        TenantScopeFactory,
        Authenticator,
        IdempotencyStore,
        ResourceService,
        ApiKeysService,
        TenantsService,
        DelegatedGraphTokens,
      ],
    };
  }
}
