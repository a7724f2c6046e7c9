// Everything a call needs from the B2BUA that owns it.
import type { CallPolicy, TargetResolver } from './policy-port';
import type { B2buaLogger, CallEventSink, MediaControl } from './ports';
import type { SipOut } from './sip-out';
import type { Dialog } from './dialog';
import type { Call } from './call';

export interface CallContext {
  sip: SipOut;
  policy: CallPolicy;
  media: MediaControl;
  events: CallEventSink;
  resolver: TargetResolver;
  log: B2buaLogger;
  sbcId: string;
  /** Time A waits for a routing decision on a queue number before 480. */
  holdForRoutingMs: number;
  /** Ringing without an answer this long ends the attempt with 480. */
  ringTimeoutMs: number;
  /** RFC 3261 T1 (2xx retransmission to a UDP caller until ACK). */
  t1: number;
  t2: number;
  now: () => number;
  /** Dialog registry: in-dialog requests find their call by (Call-ID, our tag). */
  register(dialog: Dialog, call: Call, side: 'a' | 'b'): void;
  unregister(dialog: Dialog): void;
  /** The call and side holding a dialog of ours, by Call-ID and one of its tags. */
  findDialog(callId: string, tag: string): { call: Call; side: 'a' | 'b' } | undefined;
  ended(call: Call): void;
}

export const SDP = 'application/sdp';
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, REFER, NOTIFY, INFO';
export const SUPPORTED = 'replaces, timer, 100rel';
