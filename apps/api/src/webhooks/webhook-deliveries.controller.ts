import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { Tenant, TenantRoute, type TenantScope } from '@ccx/control-plane';
import { WebhookManagement } from '@ccx/webhooks';

/** The delivery log of one subscription, and replay. */
@Controller('v1/webhooks/:id/deliveries')
export class WebhookDeliveriesController {
  constructor(@Inject(WebhookManagement) private readonly webhooks: WebhookManagement) {}

  @Get()
  @TenantRoute('events:read')
  list(@Tenant() scope: TenantScope, @Param('id') id: string, @Query() query: unknown) {
    return this.webhooks.deliveries(scope, id, query);
  }

  @Get(':deliveryId')
  @TenantRoute('events:read')
  get(
    @Tenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
  ) {
    return this.webhooks.delivery(scope, id, deliveryId);
  }

  @Post(':deliveryId/replay')
  @HttpCode(202)
  @TenantRoute('webhooks:manage')
  replay(
    @Tenant() scope: TenantScope,
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
  ) {
    return this.webhooks.replay(scope, id, deliveryId);
  }
}
