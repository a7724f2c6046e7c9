// Atomic agent reservations in Redis (issue 5). docs/routing.md, "Reservations".
export { ReservationStore } from './reservation-store';
// Channel and AgentState are the same types selection exports, so they are not re-exported here.
export type {
  AcceptResult,
  AgentInput,
  AgentLive,
  ClosedOffer,
  CloseResult,
  ManualAgentState,
  PerChannel,
  ReleaseResult,
  Reservation,
  ReservationStatus,
  ReserveRefusal,
  ReserveRequest,
  ReserveResult,
} from './types';
