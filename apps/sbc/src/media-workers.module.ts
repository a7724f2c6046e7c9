import {
  Controller,
  Get,
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Redis } from 'ioredis';
import { MediaWorkerDirectory, refreshDirectory } from '@ccx/media-relay';
import type { Logger } from '@ccx/observability';
import { LOGGER, REDIS } from '@ccx/service-kit';

/** The media workers this SBC can hand calls to; `pick()` gives the least-loaded live one. */
export const MEDIA_WORKERS = Symbol('MEDIA_WORKERS');
const PREFIX = Symbol('MEDIA_WORKERS_PREFIX');

class MediaWorkersRefresh implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private warned = new Set<string>();

  constructor(
    @Inject(MEDIA_WORKERS) private readonly directory: MediaWorkerDirectory,
    @Inject(PREFIX) private readonly prefix: string,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  private async refresh() {
    try {
      const { invalid } = await refreshDirectory(this.redis, this.prefix, this.directory);
      for (const id of invalid) {
        if (this.warned.has(id)) continue;
        this.warned.add(id);
        this.logger.warn({ workerId: id }, 'ignoring a media worker status that does not validate');
      }
    } catch (err) {
      this.logger.warn({ err }, 'media worker statuses not refreshed');
    }
  }

  async onApplicationBootstrap() {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), 1_000);
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }
}

@Controller('media')
class MediaWorkersController {
  constructor(@Inject(MEDIA_WORKERS) private readonly directory: MediaWorkerDirectory) {}

  /** Live media workers, least loaded first (internal port; for operators and tests). */
  @Get('workers')
  list() {
    return { workers: this.directory.live() };
  }
}

/** Follows the media workers' load (their status hash in Redis, refreshed every second). */
@Module({})
export class MediaWorkersModule {
  static forRoot(busPrefix: string): DynamicModule {
    return {
      module: MediaWorkersModule,
      controllers: [MediaWorkersController],
      providers: [
        { provide: MEDIA_WORKERS, useValue: new MediaWorkerDirectory() },
        { provide: PREFIX, useValue: busPrefix },
        MediaWorkersRefresh,
      ],
      exports: [MEDIA_WORKERS],
    };
  }
}
