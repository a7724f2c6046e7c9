// Client transactions (RFC 3261 17.1): INVITE (17.1.1, with RFC 6026 Accepted) and non-INVITE
// (17.1.2). One class; `invite` picks the state machine. Timer callbacks are created once per
// transaction, not per timer.
import { callIdOf, cseqOf, getHeader, makeHeader, statusOf } from '../message';
import type { ReceivedMessage, SendResult, SendTarget } from '../transport/types';
import type { SipHeader, SipMessage } from '../types';
import { asError, type LayerContext, type TimerHandle } from './context';
import { clientKey } from './keys';
import type { ClientTransaction, ClientTransactionHandlers, ClientTransactionState } from './types';

const IGNORE: ClientTransactionHandlers = {
  onResponse: () => undefined,
  onTimeout: () => undefined,
  onTransportError: () => undefined,
};

export class ClientTx implements ClientTransaction {
  state: ClientTransactionState;
  private readonly invite: boolean;
  private readonly reliable: boolean;
  private sendTarget: SendTarget;
  private interval: number;
  private retransmitTimer: TimerHandle | undefined;
  private stateTimer: TimerHandle | undefined;
  private ack: SipMessage | undefined;
  /** Reason header value ('' for none) of a cancel() waiting for a provisional response. */
  private pendingCancel: string | undefined;
  private cancelSent = false;

  readonly id: string;

  constructor(
    private readonly ctx: LayerContext,
    private readonly branch: string,
    method: string,
    readonly request: SipMessage,
    readonly target: SendTarget,
    private readonly handlers: ClientTransactionHandlers,
  ) {
    this.id = clientKey(branch, method);
    this.invite = method === 'INVITE';
    this.state = this.invite ? 'calling' : 'trying';
    this.reliable = ctx.transport.isReliable(target.protocol);
    this.sendTarget = target;
    this.interval = ctx.timing.T1;
  }

  /** Sends the request and starts Timer A/E (unreliable only) and B/F. */
  start(): void {
    this.send(this.request);
    if (!this.reliable) this.retransmitTimer = setTimeout(this.onRetransmitTimer, this.interval);
    this.stateTimer = setTimeout(this.onStateTimer, this.ctx.timing.timeout);
  }

  cancel(reasonHeader?: string): void {
    if (!this.invite || this.cancelSent || this.pendingCancel !== undefined) return;
    if (this.state === 'calling') this.pendingCancel = reasonHeader ?? '';
    else if (this.state === 'proceeding') this.sendCancel(reasonHeader ?? '');
  }

  onResponse(rx: ReceivedMessage): void {
    const status = statusOf(rx.message);
    if (this.invite) this.inviteResponse(status, rx);
    else this.nonInviteResponse(status, rx);
  }

  /** Ends the transaction without telling the TU (layer close). */
  terminate(): void {
    if (this.state === 'terminated') return;
    this.state = 'terminated';
    this.clearTimers();
    this.ctx.dropClient(this.id, this);
  }

  private inviteResponse(status: number, rx: ReceivedMessage): void {
    const state = this.state;
    const open = state === 'calling' || state === 'proceeding';
    if (status < 200) {
      if (!open) return;
      if (state === 'calling') {
        this.state = 'proceeding';
        this.clearTimers(); // no retransmissions in Proceeding, and Timer B only runs in Calling
        if (this.pendingCancel !== undefined) this.sendCancel(this.pendingCancel);
      }
      this.handlers.onResponse(rx.message, rx);
    } else if (status < 300) {
      if (open) {
        this.state = 'accepted';
        this.clearTimers();
        this.stateTimer = setTimeout(this.onStateTimer, this.ctx.timing.timeout); // Timer M
      }
      // RFC 6026: every 2xx in Accepted (retransmissions, other forks) goes to the TU.
      if (this.state === 'accepted') this.handlers.onResponse(rx.message, rx);
    } else if (open) {
      this.state = 'completed';
      this.clearTimers();
      this.ack = this.buildAck(rx.message);
      this.send(this.ack);
      this.wait(this.ctx.timing.D); // Timer D, started first so a throwing TU cannot leak us
      this.handlers.onResponse(rx.message, rx);
    } else if (state === 'completed' && this.ack) this.send(this.ack);
  }

  private nonInviteResponse(status: number, rx: ReceivedMessage): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    if (status < 200) {
      this.state = 'proceeding';
      this.handlers.onResponse(rx.message, rx);
      return;
    }
    this.state = 'completed';
    this.clearTimers();
    this.wait(this.ctx.timing.T4); // Timer K
    this.handlers.onResponse(rx.message, rx);
  }

  /** Completed/Accepted wait: zero on reliable transports (terminate now). */
  private wait(ms: number): void {
    if (this.state === 'terminated') return;
    if (this.reliable) this.terminate();
    else this.stateTimer = setTimeout(this.onStateTimer, ms);
  }

  private readonly onRetransmitTimer = (): void => {
    this.retransmitTimer = undefined;
    const state = this.state;
    if (state !== 'calling' && state !== 'trying' && state !== 'proceeding') return;
    this.send(this.request);
    const { T2 } = this.ctx.timing;
    // Timer A doubles without a cap; Timer E doubles up to T2, and is T2 in Proceeding.
    if (this.invite) this.interval *= 2;
    else this.interval = state === 'proceeding' ? T2 : Math.min(this.interval * 2, T2);
    this.retransmitTimer = setTimeout(this.onRetransmitTimer, this.interval);
  };

  private readonly onStateTimer = (): void => {
    this.stateTimer = undefined;
    const state = this.state;
    this.terminate();
    // Timer B/F, or the CANCEL give-up wait (RFC 3261 9.1) in Proceeding: no final response.
    if (state === 'calling' || state === 'trying' || state === 'proceeding') {
      try {
        this.handlers.onTimeout();
      } catch (err) {
        this.ctx.report(asError(err), `client ${this.id} onTimeout`);
      }
    }
  };

  private send(message: SipMessage): void {
    try {
      this.ctx.transport.send(message, this.sendTarget).then(this.onSent, this.onSendFailed);
    } catch (err) {
      // A transport that throws instead of rejecting is reported the same way: later, not inside
      // sendRequest()/respond().
      void Promise.reject(err).then(undefined, this.onSendFailed);
    }
  }

  /** Later messages (ACK, CANCEL) follow the request on the connection it went out on. */
  private readonly onSent = (result: SendResult): void => {
    if (result.connectionId !== undefined && this.sendTarget.connectionId === undefined)
      this.sendTarget = { ...this.sendTarget, connectionId: result.connectionId };
  };

  private readonly onSendFailed = (err: unknown): void => {
    const state = this.state;
    if (state === 'terminated') return;
    this.terminate();
    const error = asError(err);
    // After a final response the TU has its answer; a failed ACK is only worth a log line.
    if (state === 'calling' || state === 'trying' || state === 'proceeding') {
      try {
        this.handlers.onTransportError(error);
      } catch (e) {
        this.ctx.report(asError(e), `client ${this.id} onTransportError`);
      }
    } else this.ctx.report(error, `client ${this.id} send`);
  };

  private clearTimers(): void {
    if (this.retransmitTimer !== undefined) clearTimeout(this.retransmitTimer);
    if (this.stateTimer !== undefined) clearTimeout(this.stateTimer);
    this.retransmitTimer = undefined;
    this.stateTimer = undefined;
  }

  /** Headers shared by ACK (17.1.1.3) and CANCEL (9.1): the INVITE's top Via, Route, From, Call-ID. */
  private derived(method: string, to: SipHeader | undefined): SipMessage {
    const req = this.request;
    const headers: SipHeader[] = [];
    const via = getHeader(req, 'Via');
    if (via) headers.push(via);
    for (const h of req.headers) if (h.name === 'Route') headers.push(h);
    headers.push(makeHeader('Max-Forwards', '70'));
    const from = getHeader(req, 'From');
    if (from) headers.push(from);
    if (to) headers.push(to);
    headers.push(makeHeader('Call-ID', callIdOf(req)));
    headers.push(makeHeader('CSeq', `${cseqOf(req)?.seq ?? 1} ${method}`));
    const line = req.startLine;
    if (line.type !== 'request') throw new Error('client transaction without a request');
    return {
      startLine: { ...line, method },
      headers,
      body: new Uint8Array(0),
    };
  }

  private buildAck(response: SipMessage): SipMessage {
    return this.derived('ACK', getHeader(response, 'To') ?? getHeader(this.request, 'To'));
  }

  private sendCancel(reason: string): void {
    this.pendingCancel = undefined;
    this.cancelSent = true;
    const cancel = this.derived('CANCEL', getHeader(this.request, 'To'));
    if (reason !== '') cancel.headers.push(makeHeader('Reason', reason));
    const tx = new ClientTx(this.ctx, this.branch, 'CANCEL', cancel, this.sendTarget, IGNORE);
    this.ctx.startClient(tx);
    // RFC 3261 9.1: without a final response 64*T1 after the CANCEL, the INVITE is given up.
    if (this.stateTimer !== undefined) clearTimeout(this.stateTimer);
    this.stateTimer = setTimeout(this.onStateTimer, this.ctx.timing.timeout);
  }
}
