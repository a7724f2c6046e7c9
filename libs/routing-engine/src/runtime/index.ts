// The routing runtime: interactions, queues, offers, flows and statistics over Redis and the bus.
// docs/routing.md#the-routing-service.
export { AgentMirror, type LiveAgent } from './agent-mirror';
export { RoutingCommands, RoutingRefusal } from './commands';
export type { RuntimeDeps, RuntimeLog } from './deps';
export { TenantDirectory, type TenantRows } from './directory';
export type { OfferMade } from './dispatcher';
export { FlowHost, overflowFlow } from './flow-host';
export {
  InteractionStore,
  type InteractionRecord as RoutedInteraction,
  type InteractionState,
} from './interaction-store';
export { periodic, type Periodic } from './periodic';
export { Router, type OfferObserver } from './router';
export { RoutingRuntime, type RuntimeOptions } from './runtime';
export { queueSnapshot } from './snapshot';
export { StatsStore, type IntervalTotals, type Outcome } from './stats-store';
export { TimerStore, withLock } from './timers';
