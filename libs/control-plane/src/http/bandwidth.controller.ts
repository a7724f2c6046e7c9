import { Controller, Get, Query } from '@nestjs/common';
import { bandwidthFigure } from '../bandwidth/bandwidth';
import type { TenantScope } from '../persistence/tenant-scope';
import { Tenant, TenantRoute } from './access';

/** The bandwidth calculator: what admission control counts per call and per trunk. */
@Controller('v1/bandwidth')
export class BandwidthController {
  @Get()
  @TenantRoute('config:read')
  get(@Tenant() scope: TenantScope, @Query() query: unknown) {
    return bandwidthFigure(scope, query);
  }
}
