// The transaction layer's contract (RFC 3261 section 17, RFC 6026).
import type { ReceivedMessage, SendTarget, SipAddress } from '../transport/types';
import type { SipMessage } from '../types';

/** RFC 3261 timer base values in milliseconds (Table 4). */
export interface TimerValues {
  T1: number;
  T2: number;
  T4: number;
  /** Timer B / F (client transaction timeout), default 64*T1. */
  timeout?: number;
}

export const DEFAULT_TIMERS: Readonly<TimerValues> = Object.freeze({ T1: 500, T2: 4000, T4: 5000 });

export type ClientTransactionState =
  'calling' | 'trying' | 'proceeding' | 'accepted' | 'completed' | 'terminated';
export type ServerTransactionState =
  'trying' | 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

export interface ClientTransactionHandlers {
  /** Every response the TU must see: provisional, final, and 2xx retransmissions (RFC 6026). */
  onResponse(response: SipMessage, received: ReceivedMessage): void;
  /** Timer B/F fired: no final response (treat as 408). */
  onTimeout(): void;
  /** The message could not be sent (treat as 503, RFC 3261 8.1.3.1). */
  onTransportError(error: Error): void;
}

export interface ClientTransaction {
  readonly id: string;
  readonly request: SipMessage;
  readonly target: SendTarget;
  readonly state: ClientTransactionState;
  /**
   * INVITE only: send CANCEL (RFC 3261 9.1) now if a provisional response has arrived, else as soon
   * as one does; a final response cancels nothing. The CANCEL's own transaction is internal.
   */
  cancel(reasonHeader?: string): void;
}

export interface ServerTransaction {
  readonly id: string;
  readonly request: SipMessage;
  readonly received: ReceivedMessage;
  readonly state: ServerTransactionState;
  /** Sends a response; provisional ones may repeat, the first final one ends the TU's part. */
  respond(response: SipMessage): void;
  /** INVITE: called once when a matching CANCEL arrives while proceeding (the layer already sent 200 to the CANCEL). */
  onCancel?: (cancel: ReceivedMessage) => void;
}

export interface TransactionUser {
  /** A new request (not a retransmission, not an ACK for a 2xx, not a CANCEL). */
  onRequest(tx: ServerTransaction): void;
  /** An ACK that matched no server transaction: the ACK for a 2xx (dialog layer). */
  onAck(ack: ReceivedMessage): void;
  /** A response that matched no client transaction (late 2xx retransmission for a forked/ended INVITE). */
  onStrayResponse(response: ReceivedMessage): void;
}

export type { SipAddress };
