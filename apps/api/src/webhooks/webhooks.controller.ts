import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { NoTransaction, Tenant, TenantRoute, type TenantScope } from '@ccx/control-plane';
import { WebhookManagement } from '@ccx/webhooks';

/** Webhook subscriptions of the caller's tenant. */
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(@Inject(WebhookManagement) private readonly webhooks: WebhookManagement) {}

  @Get()
  @TenantRoute('webhooks:manage')
  list(@Tenant() scope: TenantScope, @Query() query: unknown) {
    return this.webhooks.list(scope, query);
  }

  @Post()
  @HttpCode(201)
  @TenantRoute('webhooks:manage')
  create(@Tenant() scope: TenantScope, @Body() body: unknown) {
    return this.webhooks.create(scope, body);
  }

  @Get(':id')
  @TenantRoute('webhooks:manage')
  get(@Tenant() scope: TenantScope, @Param('id') id: string) {
    return this.webhooks.get(scope, id);
  }

  @Patch(':id')
  @TenantRoute('webhooks:manage')
  update(@Tenant() scope: TenantScope, @Param('id') id: string, @Body() body: unknown) {
    return this.webhooks.update(scope, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @TenantRoute('webhooks:manage')
  async remove(@Tenant() scope: TenantScope, @Param('id') id: string): Promise<void> {
    await this.webhooks.remove(scope, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @TenantRoute('webhooks:manage')
  rotateSecret(@Tenant() scope: TenantScope, @Param('id') id: string, @Body() body: unknown) {
    return this.webhooks.rotateSecret(scope, id, body);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @TenantRoute('webhooks:manage')
  enable(@Tenant() scope: TenantScope, @Param('id') id: string) {
    return this.webhooks.setEnabled(scope, id, true);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @TenantRoute('webhooks:manage')
  disable(@Tenant() scope: TenantScope, @Param('id') id: string) {
    return this.webhooks.setEnabled(scope, id, false);
  }

  /** Waits on the partner's endpoint: no transaction held meanwhile (PGlite runs one at a time). */
  @Post(':id/ping')
  @HttpCode(200)
  @NoTransaction()
  @TenantRoute('webhooks:manage')
  ping(@Tenant() scope: TenantScope, @Param('id') id: string) {
    return this.webhooks.ping(scope, id);
  }
}
