import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import {
  connectDatabase,
  pingDatabase,
  runMigrations,
  type DatabaseHandle,
} from '@ccx/persistence';
import { HealthRegistry } from '@ccx/service-kit';
import { DATABASE } from './tokens';

export interface DatabaseModuleOptions {
  url: string;
  poolSize?: number;
  /** Apply pending migrations before the app serves (the API does; other services need not). */
  migrate?: boolean;
}

class DatabaseLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly handle: DatabaseHandle,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
  ) {}

  onModuleInit() {
    this.health.register('database', async () => {
      const started = Date.now();
      await pingDatabase(this.handle);
      return { latencyMs: Date.now() - started };
    });
  }

  async onApplicationShutdown() {
    await this.handle.close();
  }
}

/** The process's PostgreSQL pool (DATABASE), migrated at boot, with a `database` health check. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DATABASE,
          useFactory: async (): Promise<DatabaseHandle> => {
            const handle = connectDatabase(options.url, options.poolSize);
            if (options.migrate) {
              await runMigrations(handle).catch(async (err: unknown) => {
                await handle.close();
                throw err;
              });
            }
            return handle;
          },
        },
        DatabaseLifecycle,
      ],
      exports: [DATABASE],
    };
  }
}
