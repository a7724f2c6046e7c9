// Server transactions (RFC 3261 17.2): INVITE (17.2.1, with RFC 6026 Accepted) and non-INVITE
// (17.2.2). One class; `invite` picks the state machine.
import { statusOf, toTag } from '../message';
import type { ReceivedMessage, SendTarget } from '../transport/types';
import type { SipMessage } from '../types';
import { asError, type LayerContext, type TimerHandle } from './context';
import { responseTarget } from './keys';
import type { ServerTransaction, ServerTransactionState } from './types';

export class ServerTx implements ServerTransaction {
  state: ServerTransactionState;
  readonly request: SipMessage;
  onCancel?: (cancel: ReceivedMessage) => void;
  private readonly invite: boolean;
  private readonly reliable: boolean;
  private readonly target: SendTarget;
  private last: SipMessage | undefined;
  private interval: number;
  private retransmitTimer: TimerHandle | undefined;
  private stateTimer: TimerHandle | undefined;
  private cancelled = false;

  constructor(
    private readonly ctx: LayerContext,
    readonly id: string,
    readonly received: ReceivedMessage,
    method: string,
  ) {
    this.request = received.message;
    this.invite = method === 'INVITE';
    this.state = this.invite ? 'proceeding' : 'trying';
    this.target = responseTarget(received);
    this.reliable = ctx.transport.isReliable(this.target.protocol);
    this.interval = ctx.timing.T1;
  }

  respond(response: SipMessage): void {
    const status = statusOf(response);
    if (status < 100) throw new Error('respond() takes a response');
    if (this.invite) this.inviteRespond(status, response);
    else this.nonInviteRespond(status, response);
  }

  /** The To tag the TU answered with, for the layer's 200 to a CANCEL (RFC 3261 9.2). */
  responseToTag(): string | undefined {
    return this.last ? toTag(this.last) : undefined;
  }

  /** A retransmission of the request: absorbed, the last response sent again. */
  onRetransmit(): void {
    const state = this.state;
    if (state === 'confirmed' || state === 'terminated' || !this.last) return;
    this.send(this.last);
  }

  /**
   * An ACK matching this INVITE transaction. Returns false when it is not the transaction's (the
   * ACK for a 2xx in Accepted, RFC 6026 7.1), so the layer hands it to the TU.
   */
  onAck(): boolean {
    if (this.state === 'accepted') return false;
    if (this.state !== 'completed') return true;
    this.state = 'confirmed';
    this.clearTimers();
    this.wait(this.ctx.timing.T4); // Timer I
    return true;
  }

  /** A CANCEL matched: tell the TU once while no final response was sent. */
  onCancelRequest(cancel: ReceivedMessage): void {
    if (this.state !== 'proceeding' || this.cancelled) return;
    this.cancelled = true;
    const handler = this.onCancel;
    if (!handler) return;
    try {
      handler(cancel);
    } catch (err) {
      this.ctx.report(asError(err), `server ${this.id} onCancel`);
    }
  }

  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.clearTimers();
    this.ctx.dropServer(this.id, this);
  }

  private inviteRespond(status: number, response: SipMessage): void {
    const state = this.state;
    if (state === 'proceeding') {
      this.last = response;
      if (status >= 200 && status < 300) {
        this.state = 'accepted';
        this.stateTimer = setTimeout(this.onStateTimer, this.ctx.timing.timeout); // Timer L
      } else if (status >= 300) {
        this.state = 'completed';
        if (!this.reliable)
          this.retransmitTimer = setTimeout(this.onRetransmitTimer, this.interval);
        this.stateTimer = setTimeout(this.onStateTimer, this.ctx.timing.timeout); // Timer H
      }
      this.send(response);
    } else if (status >= 200 && status < 300 && (state === 'accepted' || state === 'terminated')) {
      // The TU retransmits its 2xx until the ACK (13.3.1.4); those pass straight to the transport.
      if (state === 'accepted') this.last = response;
      this.send(response);
    }
  }

  private nonInviteRespond(status: number, response: SipMessage): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.last = response;
    this.state = status < 200 ? 'proceeding' : 'completed';
    this.send(response);
    if (this.state === 'completed') this.wait(this.ctx.timing.timeout); // Timer J
  }

  private wait(ms: number): void {
    if (this.state === 'terminated') return;
    if (this.reliable) this.terminate();
    else this.stateTimer = setTimeout(this.onStateTimer, ms);
  }

  /** Timer G: the final non-2xx again, doubling up to T2, until the ACK or Timer H. */
  private readonly onRetransmitTimer = (): void => {
    this.retransmitTimer = undefined;
    if (this.state !== 'completed' || !this.last) return;
    this.send(this.last);
    this.interval = Math.min(this.interval * 2, this.ctx.timing.T2);
    if (this.state === 'completed')
      this.retransmitTimer = setTimeout(this.onRetransmitTimer, this.interval);
  };

  /** Timers H, I, J, L all end the transaction; H means the ACK never came. */
  private readonly onStateTimer = (): void => {
    this.stateTimer = undefined;
    this.terminate();
  };

  private send(message: SipMessage): void {
    try {
      this.ctx.transport.send(message, this.target).then(undefined, this.onSendFailed);
    } catch (err) {
      // A transport that throws instead of rejecting is reported the same way: later, not inside
      // sendRequest()/respond().
      void Promise.reject(err).then(undefined, this.onSendFailed);
    }
  }

  private readonly onSendFailed = (err: unknown): void => {
    if (this.state === 'terminated') return;
    this.ctx.report(asError(err), `server ${this.id} send`);
    this.terminate();
  };

  private clearTimers(): void {
    if (this.retransmitTimer !== undefined) clearTimeout(this.retransmitTimer);
    if (this.stateTimer !== undefined) clearTimeout(this.stateTimer);
    this.retransmitTimer = undefined;
    this.stateTimer = undefined;
  }
}
