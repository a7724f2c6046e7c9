// Problems (RFC 9457)
export * from './problem/problem';
export * from './problem/zod-issues';
export * from './problem/db-errors';
// Pagination
export * from './pagination/cursor';
export * from './pagination/keyset';
// Numbering
export * from './numbering/e164-range';
// Persistence: transactions and THE tenant scope
export * from './persistence/unit-of-work';
export * from './persistence/tenant-scope';
export * from './persistence/tenant-scope.factory';
// Events
export * from './events/config-events';
// Idempotency
export * from './idempotency/fingerprint';
export * from './idempotency/idempotency.store';
// Auth
export * from './api-keys/authenticator';
export * from './api-keys/api-key.schemas';
export * from './api-keys/api-keys.service';
// Tenants and tenant resources
export * from './tenants/tenant.schemas';
export * from './tenants/tenants.service';
export { tenantResources } from './resources';
export * from './resources/resource-def';
export * from './resources/resource.service';
export { countryCode } from './resources/country';
// OpenAPI
export * from './openapi/routes';
export * from './openapi/control-plane-routes';
// Microsoft 365
export * from './m365/m365.options';
export * from './m365/connection.schemas';
// Nest wiring
export * from './http/tokens';
export * from './http/access';
export * from './http/request-state';
export * from './http/auth.guard';
export * from './http/problem.filter';
export * from './http/idempotency.interceptor';
export * from './http/access-log.interceptor';
export * from './http/resource.controller';
export * from './http/control-plane.module';
