// The transaction layer (RFC 3261 section 17, RFC 6026): matches what the transport hands up to
// client and server transactions, answers CANCEL itself, and hands the rest to the TU.
import { createResponse, cseqOf, newTag, topVia } from '../message';
import type { ReceivedMessage, SendTarget, SipTransport } from '../transport/types';
import type { SipMessage } from '../types';
import { ClientTx } from './client';
import { asError, type LayerContext, type Timing } from './context';
import { clientKey, serverKey } from './keys';
import { ServerTx } from './server';
import {
  DEFAULT_TIMERS,
  type ClientTransaction,
  type ClientTransactionHandlers,
  type TimerValues,
  type TransactionUser,
} from './types';

export interface TransactionLayerOptions {
  timers?: Partial<TimerValues>;
  /** Clock in ms; reserved for transaction ages in metrics (timers use setTimeout). */
  now?: () => number;
  /** Failures nobody else hears of: server send errors, TU callbacks that threw. */
  onError?: (err: Error, context: string) => void;
  /** Send 100 Trying as soon as an INVITE arrives (default true). */
  autoTrying?: boolean;
}

export interface TransactionStats {
  client: number;
  server: number;
}

export class TransactionLayer implements LayerContext {
  readonly timing: Timing;
  private readonly clients = new Map<string, ClientTx>();
  private readonly servers = new Map<string, ServerTx>();
  private readonly onError: (err: Error, context: string) => void;
  private readonly autoTrying: boolean;

  constructor(
    readonly transport: SipTransport,
    readonly user: TransactionUser,
    options: TransactionLayerOptions = {},
  ) {
    const t = { ...DEFAULT_TIMERS, ...options.timers };
    this.timing = { T1: t.T1, T2: t.T2, T4: t.T4, timeout: t.timeout ?? 64 * t.T1, D: 32_000 };
    this.onError = options.onError ?? (() => undefined);
    this.autoTrying = options.autoTrying ?? true;
  }

  /** Every parsed message from the transport. */
  receive(rx: ReceivedMessage): void {
    try {
      if (rx.message.startLine.type === 'request')
        this.receiveRequest(rx, rx.message.startLine.method);
      else this.receiveResponse(rx);
    } catch (err) {
      this.onError(asError(err), 'receive');
    }
  }

  /**
   * Starts a client transaction for `request`, whose top Via already carries the branch. ACK is not
   * sent in a transaction (the ACK for a 2xx goes straight to the transport).
   */
  sendRequest(
    request: SipMessage,
    target: SendTarget,
    handlers: ClientTransactionHandlers,
  ): ClientTransaction {
    const line = request.startLine;
    if (line.type !== 'request') throw new Error('sendRequest() takes a request');
    if (line.method === 'ACK') throw new Error('ACK has no client transaction');
    const branch = topVia(request)?.params['branch'];
    if (!branch) throw new Error('request without a top Via branch');
    const tx = new ClientTx(this, branch, line.method, request, target, handlers);
    if (this.clients.has(tx.id)) throw new Error(`client transaction ${tx.id} exists`);
    this.startClient(tx);
    return tx;
  }

  stats(): TransactionStats {
    return { client: this.clients.size, server: this.servers.size };
  }

  /** Ends every transaction and its timers without telling anyone. */
  close(): void {
    for (const tx of [...this.clients.values()]) tx.terminate();
    for (const tx of [...this.servers.values()]) tx.terminate();
    this.clients.clear();
    this.servers.clear();
  }

  startClient(tx: ClientTx): void {
    this.clients.set(tx.id, tx);
    tx.start();
  }

  dropClient(key: string, tx: object): void {
    if (this.clients.get(key) === tx) this.clients.delete(key);
  }

  dropServer(key: string, tx: object): void {
    if (this.servers.get(key) === tx) this.servers.delete(key);
  }

  report(error: Error, context: string): void {
    this.onError(error, context);
  }

  private receiveResponse(rx: ReceivedMessage): void {
    const branch = topVia(rx.message)?.params['branch'];
    const method = cseqOf(rx.message)?.method;
    const tx = branch && method ? this.clients.get(clientKey(branch, method)) : undefined;
    if (tx) tx.onResponse(rx);
    else this.user.onStrayResponse(rx);
  }

  private receiveRequest(rx: ReceivedMessage, method: string): void {
    const message = rx.message;
    const via = topVia(message);
    const key = via && serverKey(message, via, method === 'ACK' ? 'INVITE' : method);
    if (!via || !key) {
      this.onError(new Error(`${method} without a usable Via or CSeq`), 'receive');
      return;
    }
    const existing = this.servers.get(key);
    if (method === 'ACK') {
      if (!existing || !existing.onAck()) this.user.onAck(rx);
      return;
    }
    if (existing) {
      existing.onRetransmit();
      return;
    }
    const tx = new ServerTx(this, key, rx, method);
    this.servers.set(key, tx);
    if (method === 'CANCEL') {
      this.answerCancel(tx, rx, serverKey(message, via, 'INVITE'));
      return;
    }
    if (method === 'INVITE' && this.autoTrying) tx.respond(createResponse(message, 100));
    try {
      this.user.onRequest(tx);
    } catch (err) {
      // A TU that threw will never answer: 500 ends the transaction instead of leaking it.
      this.onError(asError(err), `server ${key} onRequest`);
      if (tx.state === 'trying' || tx.state === 'proceeding')
        tx.respond(createResponse(message, 500, { toTag: newTag() }));
    }
  }

  /** RFC 3261 9.2: 200 when the CANCEL matches a transaction (481 otherwise), then the TU hears. */
  private answerCancel(tx: ServerTx, rx: ReceivedMessage, inviteKey: string | undefined): void {
    const invite = inviteKey ? this.servers.get(inviteKey) : undefined;
    if (!invite) {
      tx.respond(createResponse(rx.message, 481, { toTag: newTag() }));
      return;
    }
    tx.respond(createResponse(rx.message, 200, { toTag: invite.responseToTag() ?? newTag() }));
    invite.onCancelRequest(rx);
  }
}
