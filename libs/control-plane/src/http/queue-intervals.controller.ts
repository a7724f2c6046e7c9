import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import type { TenantScope } from '../persistence/tenant-scope';
import { QueueIntervalsReader } from '../routing/queue-intervals';
import { Tenant, TenantRoute } from './access';

/** Historical queue statistics by 15-minute interval. */
@Controller('v1/queues/:id/intervals')
export class QueueIntervalsController {
  constructor(@Inject(QueueIntervalsReader) private readonly reader: QueueIntervalsReader) {}

  @Get()
  @TenantRoute('config:read')
  list(@Tenant() scope: TenantScope, @Param('id') id: string, @Query() query: unknown) {
    return this.reader.read(scope, id, query);
  }
}
