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
import type { Principal } from '../api-keys/authenticator';
import type { TenantScope } from '../persistence/tenant-scope';
import { CurrentPrincipal, Tenant, TenantRoute } from './access';

@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(@Inject(ApiKeysService) private readonly keys: ApiKeysService) {}

  @Get()
  @TenantRoute('keys:manage')
  list(@Tenant() scope: TenantScope, @Query() query: unknown) {
    return this.keys.list(scope, query);
  }

  @Post()
  @HttpCode(201)
  @TenantRoute('keys:manage')
  create(
    @Tenant() scope: TenantScope,
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
  ) {
    return this.keys.issue(scope, body, principal.kind === 'operator' ? [] : principal.scopes);
  }

  @Get(':id')
  @TenantRoute('keys:manage')
  get(@Tenant() scope: TenantScope, @Param('id') id: string) {
    return this.keys.get(scope, id);
  }

  @Patch(':id')
  @TenantRoute('keys:manage')
  rename(@Tenant() scope: TenantScope, @Param('id') id: string, @Body() body: unknown) {
    return this.keys.rename(scope, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @TenantRoute('keys:manage')
  async revoke(@Tenant() scope: TenantScope, @Param('id') id: string): Promise<void> {
    await this.keys.revoke(scope, id);
  }
}
