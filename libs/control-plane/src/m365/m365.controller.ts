import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Put } from '@nestjs/common';
import { NoTransaction, Tenant, TenantRoute } from '../http/access';
import type { TenantScope } from '../persistence/tenant-scope';
import { M365ConnectionService } from './connection.service';
import { ServiceSignInService } from './service-sign-in.service';

/** The caller's tenant's Microsoft 365 connection (docs/identity.md). */
@Controller('v1/m365/connection')
export class M365ConnectionController {
  constructor(
    @Inject(M365ConnectionService) private readonly connections: M365ConnectionService,
    @Inject(ServiceSignInService) private readonly serviceSignIn: ServiceSignInService,
  ) {}

  @Get()
  @TenantRoute('config:read')
  get(@Tenant() scope: TenantScope) {
    return this.connections.get(scope);
  }

  @Put()
  @TenantRoute('config:write')
  put(@Tenant() scope: TenantScope, @Body() body: unknown) {
    return this.connections.put(scope, body);
  }

  @Delete()
  @HttpCode(204)
  @TenantRoute('config:write')
  async delete(@Tenant() scope: TenantScope): Promise<void> {
    await this.connections.delete(scope);
  }

  @Get('admin-consent')
  @TenantRoute('config:write')
  adminConsent(@Tenant() scope: TenantScope) {
    return this.connections.adminConsentUrl(scope);
  }

  @Post('test')
  @HttpCode(200)
  @NoTransaction()
  @TenantRoute('config:write')
  test(@Tenant() scope: TenantScope) {
    return this.connections.test(scope);
  }

  @Post('service-sign-in')
  @HttpCode(200)
  @NoTransaction()
  @TenantRoute('config:write')
  startServiceSignIn(@Tenant() scope: TenantScope) {
    return this.serviceSignIn.start(scope);
  }
}
