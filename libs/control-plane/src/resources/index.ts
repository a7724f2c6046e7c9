import { agentResource } from './agents';
import { expertResource } from './experts';
import { flowResource } from './flows';
import { numberRangeResource } from './number-ranges';
import { queueResource } from './queues';
import type { ResourceDef } from './resource-def';
import { siteResource } from './sites';
import { skillResource } from './skills';
import { trunkResource } from './trunks';

/** Every generic tenant resource: routes, OpenAPI paths and tests are derived from this list. */
export const tenantResources: readonly ResourceDef[] = [
  siteResource,
  trunkResource,
  numberRangeResource,
  skillResource,
  queueResource,
  agentResource,
  flowResource,
  expertResource,
];

export * from './resource-def';
