/** Injection tokens shared by every service. */
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
export const REDIS = Symbol('REDIS');
export const SERVICE_INFO = Symbol('SERVICE_INFO');

export interface ServiceInfo {
  name: string;
  instanceId: string;
  startedAt: Date;
}
