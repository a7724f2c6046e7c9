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
  type Type,
} from '@nestjs/common';
import type { TenantScope } from '../persistence/tenant-scope';
import type { ResourceDef } from '../resources/resource-def';
import { ResourceService } from '../resources/resource.service';
import { Tenant, TenantRoute } from './access';

/**
 * The five CRUD routes of one tenant resource, generated from its definition. The handlers only
 * hand the raw input and the caller's TenantScope to ResourceService.
 */
export function resourceController(def: ResourceDef): Type<unknown> {
  @Controller(`v1/${def.path}`)
  class ResourceController {
    constructor(@Inject(ResourceService) private readonly service: ResourceService) {}

    @Get()
    @TenantRoute('config:read')
    list(@Tenant() scope: TenantScope, @Query() query: unknown) {
      return this.service.list(def, scope, query);
    }

    @Post()
    @HttpCode(201)
    @TenantRoute('config:write')
    create(@Tenant() scope: TenantScope, @Body() body: unknown) {
      return this.service.create(def, scope, body);
    }

    @Get(':id')
    @TenantRoute('config:read')
    get(@Tenant() scope: TenantScope, @Param('id') id: string) {
      return this.service.get(def, scope, id);
    }

    @Patch(':id')
    @TenantRoute('config:write')
    update(@Tenant() scope: TenantScope, @Param('id') id: string, @Body() body: unknown) {
      return this.service.update(def, scope, id, body);
    }

    @Delete(':id')
    @HttpCode(204)
    @TenantRoute('config:write')
    async remove(@Tenant() scope: TenantScope, @Param('id') id: string): Promise<void> {
      await this.service.delete(def, scope, id);
    }
  }
  const name = `${def.schemaName}sController`;
  Object.defineProperty(ResourceController, 'name', { value: name });
  return ResourceController;
}
