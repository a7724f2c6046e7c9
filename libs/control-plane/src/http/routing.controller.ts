import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import type { TenantScope } from '../persistence/tenant-scope';
import { RoutingRuntime } from '../routing/routing-runtime.service';
import { NoTransaction, Tenant, TenantRoute } from './access';

/**
 * Runtime routes of the routing service: each one is one bus command (routing.*) answered by
 * the routing app. None runs in a database transaction: they wait on the bus.
 */
@Controller('v1')
export class RoutingController {
  constructor(@Inject(RoutingRuntime) private readonly routing: RoutingRuntime) {}

  @Put('agents/:id/state')
  @NoTransaction()
  @TenantRoute('config:write')
  setAgentState(@Tenant() scope: TenantScope, @Param('id') id: string, @Body() body: unknown) {
    return this.routing.setAgentState(scope, id, body);
  }

  @Get('agents/:id/status')
  @TenantRoute('config:read')
  agentStatus(@Tenant() scope: TenantScope, @Param('id') id: string, @Query() query: unknown) {
    return this.routing.agentStatus(scope, id, query);
  }

  @Post('offers/:reservationId/accept')
  @HttpCode(200)
  @NoTransaction()
  @TenantRoute('config:write')
  accept(@Tenant() scope: TenantScope, @Param('reservationId') id: string) {
    return this.routing.respondToOffer(scope, id, true);
  }

  @Post('offers/:reservationId/reject')
  @HttpCode(200)
  @NoTransaction()
  @TenantRoute('config:write')
  reject(@Tenant() scope: TenantScope, @Param('reservationId') id: string) {
    return this.routing.respondToOffer(scope, id, false);
  }

  @Get('queues/:id/stats')
  @TenantRoute('config:read')
  queueStats(@Tenant() scope: TenantScope, @Param('id') id: string, @Query() query: unknown) {
    return this.routing.queueStats(scope, id, query);
  }

  @Get('queue-stats')
  @TenantRoute('config:read')
  allQueueStats(@Tenant() scope: TenantScope, @Query() query: unknown) {
    return this.routing.allQueueStats(scope, query);
  }

  @Get('expert-search')
  @TenantRoute('config:read')
  experts(@Tenant() scope: TenantScope, @Query() query: unknown) {
    return this.routing.experts(scope, query);
  }

  @Post('calls/:callId/expert-transfer')
  @HttpCode(200)
  @NoTransaction()
  @TenantRoute('config:write')
  expertTransfer(
    @Tenant() scope: TenantScope,
    @Param('callId') callId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') key?: string,
  ) {
    return this.routing.expertTransfer(scope, callId, body, key);
  }

  @Post('calls/:callId/callback')
  @HttpCode(200)
  @NoTransaction()
  @TenantRoute('config:write')
  callback(
    @Tenant() scope: TenantScope,
    @Param('callId') callId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') key?: string,
  ) {
    return this.routing.callback(scope, callId, body, key);
  }
}
