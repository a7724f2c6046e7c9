// What a transaction needs from the layer that owns it: the transport, resolved timer values,
// the TU, error reporting and removal from the layer's maps once terminated.
import type { SipTransport } from '../transport/types';
import type { ClientTx } from './client';
import type { TransactionUser } from './types';

/** RFC 3261 Table 4 values resolved once per layer, in milliseconds. */
export interface Timing {
  T1: number;
  T2: number;
  T4: number;
  /** 64*T1 unless configured: Timers B, F, H, J, L, M and the CANCEL give-up wait. */
  timeout: number;
  /** Timer D on unreliable transports (RFC 3261: at least 32 s). */
  D: number;
}

export interface LayerContext {
  readonly transport: SipTransport;
  readonly timing: Timing;
  readonly user: TransactionUser;
  report(error: Error, context: string): void;
  /** Registers a client transaction and sends its request. */
  startClient(tx: ClientTx): void;
  dropClient(key: string, tx: object): void;
  dropServer(key: string, tx: object): void;
}

export type TimerHandle = ReturnType<typeof setTimeout>;

export const asError = (err: unknown): Error =>
  err instanceof Error ? err : new Error(String(err));
