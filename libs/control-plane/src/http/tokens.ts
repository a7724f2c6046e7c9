/** The process's DatabaseHandle: provided by DatabaseModule in @ccx/persistence. */
export { DATABASE } from '@ccx/persistence';
/** The SecretBox sealing secrets at rest under MASTER_KEY. */
export const SECRET_BOX = Symbol('SECRET_BOX');
/** The OpenAPI document served at /docs/openapi.json. */
export const OPENAPI_DOCUMENT = Symbol('OPENAPI_DOCUMENT');
/** ControlPlaneOptions. */
export const CONTROL_PLANE_OPTIONS = Symbol('CONTROL_PLANE_OPTIONS');
