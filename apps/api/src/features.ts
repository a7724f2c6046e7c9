import type { DynamicModule, Type } from '@nestjs/common';
import type { OpenApiContribution } from '@ccx/control-plane';
import type { ApiConfig } from './config';
import { webhooksFeature } from './webhooks';

/**
 * A feature of the API beside the control plane (webhooks, interaction history, ...): its Nest
 * module and its part of the OpenAPI document. Its controllers get the global auth guard,
 * problem filter and transaction/idempotency interceptor of ControlPlaneModule; use
 * @TenantRoute(scope) / @OperatorRoute() on every route and @Tenant() to reach tenant data.
 */
export interface ApiFeature {
  module: (config: ApiConfig) => DynamicModule | Type<unknown>;
  openapi?: OpenApiContribution;
}

/** Add a feature here: it is imported by ApiAppModule and documented in openapi.json. */
export const apiFeatures: readonly ApiFeature[] = [webhooksFeature];
