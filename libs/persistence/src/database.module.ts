import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { HealthRegistry } from '@ccx/service-kit';
import { connectDatabase, pingDatabase, runMigrations, type DatabaseHandle } from './database';

/** The process's DatabaseHandle ({ db, pool, close }). */
export const DATABASE = Symbol('DATABASE');

export interface DatabaseModuleOptions {
  url: string;
  poolSize?: number;
  /** Apply pending migrations before the app serves (the API does; read-only services do not). */
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

/**
 * The process's PostgreSQL pool (DATABASE), optionally migrated at boot, with a `database`
 * health check; closed at shutdown. One per process: the API and every service that reads
 * configuration use this module.
 */
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
