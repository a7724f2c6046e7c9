// Atomic agent reservations in Redis (issue 5). docs/routing.md, "Reservations".
export { ReservationStore } from './reservation-store';
export {
  agentChangesChannel,
  parseAgentChange,
  subscribeAgentChanges,
  type AgentChangesSubscription,
} from './agent-changes';
// Channel and AgentState are the same types selection exports, so they are not re-exported here.
export type {
  AcceptResult,
  ActiveInteraction,
  AgentChange,
  AgentInput,
  AgentLive,
  ClosedOffer,
  CloseResult,
  ManualAgentState,
  PerChannel,
  ReleaseResult,
  Reservation,
  ReservationStatus,
  ReservationStoreOptions,
  ReserveRefusal,
  ReserveRequest,
  ReserveResult,
} from './types';
