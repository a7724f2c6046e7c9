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
import { ApiKeysService } from '../api-keys/api-keys.service';
import { TenantScopeFactory } from '../persistence/tenant-scope.factory';
import { UnitOfWork } from '../persistence/unit-of-work';
import { TenantsService } from '../tenants/tenants.service';
import { OperatorRoute } from './access';

/** Operator routes (ADMIN_API_KEY): tenants, and keys issued to a tenant. */
@Controller('v1/tenants')
@OperatorRoute()
export class TenantsController {
  constructor(
    @Inject(TenantsService) private readonly tenants: TenantsService,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(TenantScopeFactory) private readonly scopes: TenantScopeFactory,
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
  ) {}

  @Get()
  list(@Query() query: unknown) {
    return this.tenants.list(query);
  }

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown) {
    return this.tenants.create(body);
  }

  @Get(':tenantId')
  get(@Param('tenantId') id: string) {
    return this.tenants.get(id);
  }

  @Patch(':tenantId')
  update(@Param('tenantId') id: string, @Body() body: unknown) {
    return this.tenants.update(id, body);
  }

  @Delete(':tenantId')
  @HttpCode(204)
  async remove(@Param('tenantId') id: string): Promise<void> {
    await this.tenants.delete(id);
  }

  /** The operator names the tenant here; this is the one route where the URL picks it. */
  @Post(':tenantId/api-keys')
  @HttpCode(201)
  issueKey(@Param('tenantId') id: string, @Body() body: unknown) {
    return this.uow.run(async () => {
      await this.tenants.require(id);
      return this.keys.issue(this.scopes.forTenant(id), body);
    });
  }
}
