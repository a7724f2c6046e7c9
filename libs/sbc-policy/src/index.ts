// SBC policy: configuration model, classification (ACL), routing with failover order, dial plans,
// caller-ID screening, header rules, admission control, rate limiting. Plain TypeScript.
// docs/sbc-policy.md.
export * from './config';
export * from './types';
export * from './from-live-config';
export {
  loadSettingsYaml,
  validateSettings,
  PROTECTED_HEADERS,
  type SettingsResult,
} from './validate';
export { numberFromUser, applyDialPlan, compileDialPlan, isE164, RangeIndex } from './numbers';
export type { OwnedRange, CompiledRule } from './numbers';
export { canonicalIp, tlsNameMatches } from './addresses';
export { screenCallerId, type ScreeningResult } from './caller-id';
export { orderTrunks, trunkRequestUri, type TrunkChoice, type TrunkOrder } from './trunk-order';
export { SbcPolicy, type ConnectTarget, type ConnectResult } from './routing';
export { AdmissionControl, callKbps } from './admission';
export type { AdmissionUsage, AdmitRequest, CallKbpsInput, Usage } from './admission';
export { applyHeaderRules, substitute } from './header-rules';
export { RateLimiter, type RateLimitOptions } from './rate-limit';
export * from './from-live-config';
