// SBC policy: configuration model, classification (ACL), routing with failover order, dial plans,
// caller-ID screening, header rules, admission control, rate limiting. Plain TypeScript.
export * from './config';
export * from './types';
export * from './from-live-config';
