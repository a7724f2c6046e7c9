// The SBC's back-to-back user agent: calls, dialogs, failover, transfers, OPTIONS health.
// Plain TypeScript on @ccx/sip and @ccx/sbc-policy; the sbc app wires sockets, bus and config.
export { B2bua, type B2buaOptions, type B2buaCounters } from './b2bua';
export type { Call, CallState } from './call';
export { Dialog } from './dialog';
export type { CallPolicy, ConnectTarget, TargetResolver } from './policy-port';
export {
  silentLogger,
  type B2buaLogger,
  type CallEventName,
  type CallEventSink,
  type MediaControl,
  type MediaOffer,
  type MediaPlay,
} from './ports';
export { Q850, q850ForStatus, q850FromReason } from './q850';
export { DnsResolver } from './resolver';
export {
  OptionsMonitor,
  type MonitoredPeer,
  type PeerChange,
  type PeerStatus,
} from './options-monitor';
export { SipOut } from './sip-out';
export { SettingsPolicy } from './call-policy';
export { LocalMediaControl } from './local-media';
