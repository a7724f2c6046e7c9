// The B2BUA: the transaction user of the SBC. New INVITEs pass rate limit, ACL, codec policy,
// routing and admission before a Call is made; in-dialog requests find their call by
// (Call-ID, our tag); OPTIONS are answered; commands from routing act on calls by id.
import { randomUUID } from 'node:crypto';
import { isG711, parseMediaSdp } from '@ccx/sdp';
import {
  bodyText,
  createResponse,
  getHeader,
  headerValue,
  methodOf,
  nameAddr,
  parseNameAddr,
  toTag,
  TransactionLayer,
  type ReceivedMessage,
  type ServerTransaction,
  type SipMessage,
  type SipTransport,
  type TimerValues,
  type TransactionUser,
  type Uri,
} from '@ccx/sip';
import { Call } from './call';
import { ALLOW, SUPPORTED, type CallContext } from './call-context';
import { answerLocally, playPrompt, recordCall } from './call-media';
import { originate, type OriginateRequest } from './originate';
import { handleInDialog, type Side } from './call-dialog';
import type { Dialog } from './dialog';
import type { CallPolicy, ConnectTarget, TargetResolver } from './policy-port';
import { silentLogger, type B2buaLogger, type CallEventSink, type MediaControl } from './ports';
import { mergeCalls } from './merge';
import { Q850 } from './q850';
import { SipOut } from './sip-out';

export interface B2buaOptions {
  transport: SipTransport;
  policy: CallPolicy;
  media: MediaControl;
  events: CallEventSink;
  resolver: TargetResolver;
  sbcId: string;
  log?: B2buaLogger;
  timers?: Partial<TimerValues>;
  /** How long a queue call waits for `sbc.connect` before 480 (default 120 s). */
  holdForRoutingMs?: number;
  /** How long a callee may ring before the call ends with 480 (default 180 s). */
  ringTimeoutMs?: number;
  now?: () => number;
}

export interface B2buaCounters {
  /** Requests dropped before any transaction: rate limited, or unknown source with policy drop. */
  dropped: { rateLimited: number; unknownSource: number };
  rejected: Record<number, number>;
}

const KNOWN_OPTIONS = new Set(['replaces', 'timer', '100rel', 'norefersub']);

export class B2bua implements TransactionUser {
  readonly transactions: TransactionLayer;
  private readonly sip: SipOut;
  private readonly calls = new Map<string, Call>();
  private readonly dialogs = new Map<string, { call: Call; side: Side; dialog: Dialog }>();
  private readonly ctx: CallContext;
  private readonly log: B2buaLogger;
  readonly counters: B2buaCounters = {
    dropped: { rateLimited: 0, unknownSource: 0 },
    rejected: {},
  };

  constructor(private readonly options: B2buaOptions) {
    const timers = { T1: 500, T2: 4000, T4: 5000, ...options.timers };
    this.transactions = new TransactionLayer(options.transport, this, { timers });
    this.sip = new SipOut(options.transport, this.transactions);
    this.log = options.log ?? silentLogger;
    const now = options.now ?? (() => Date.now());
    this.ctx = {
      sip: this.sip,
      policy: options.policy,
      media: options.media,
      events: options.events,
      resolver: options.resolver,
      log: this.log,
      sbcId: options.sbcId,
      holdForRoutingMs: options.holdForRoutingMs ?? 120_000,
      ringTimeoutMs: options.ringTimeoutMs ?? 180_000,
      t1: timers.T1,
      t2: timers.T2,
      now,
      register: (dialog, call, side) =>
        this.dialogs.set(key(dialog.callId, dialog.localTag), { call, side, dialog }),
      unregister: (dialog) => this.dialogs.delete(key(dialog.callId, dialog.localTag)),
      findDialog: (callId, tag) => {
        const hit = this.dialogs.get(key(callId, tag));
        if (hit) return { call: hit.call, side: hit.side };
        for (const d of this.dialogs.values()) {
          if (d.dialog.callId === callId && d.dialog.remoteTag === tag)
            return { call: d.call, side: d.side };
        }
        return undefined;
      },
      ended: (call) => this.calls.delete(call.id),
    };
  }

  /** Entry from the transport. Floods and unwanted sources are dropped before any state is made. */
  receive(rx: ReceivedMessage): void {
    const m = rx.message;
    if (
      m.startLine.type === 'request' &&
      m.startLine.method !== 'ACK' &&
      m.startLine.method !== 'CANCEL' &&
      !toTag(m)
    ) {
      if (!this.options.policy.allowSource(rx.source.host)) {
        this.counters.dropped.rateLimited++;
        return;
      }
    }
    this.transactions.receive(rx);
  }

  get activeCalls(): number {
    return this.calls.size;
  }

  get activeDialogs(): number {
    return this.dialogs.size;
  }

  call(id: string): Call | undefined {
    return this.calls.get(id);
  }

  onRequest(tx: ServerTransaction): void {
    const request = tx.request;
    const method = methodOf(request);
    const tag = toTag(request);
    if (tag !== undefined) {
      const entry = this.dialogs.get(key(headerValue(request, 'Call-ID') ?? '', tag));
      if (!entry) {
        this.reject(tx, 481);
        return;
      }
      handleInDialog(entry.call, entry.side, entry.dialog, tx);
      return;
    }
    switch (method) {
      case 'INVITE':
        this.newCall(tx);
        return;
      case 'OPTIONS':
        this.options_(tx);
        return;
      case 'BYE':
      case 'UPDATE':
      case 'PRACK':
      case 'INFO':
      case 'REFER':
      case 'NOTIFY':
        this.reject(tx, 481);
        return;
      default:
        tx.respond(createResponse(request, 405, { headers: [['Allow', ALLOW]] }));
    }
  }

  onAck(ack: ReceivedMessage): void {
    const tag = toTag(ack.message);
    const entry = tag
      ? this.dialogs.get(key(headerValue(ack.message, 'Call-ID') ?? '', tag))
      : undefined;
    if (entry?.side === 'a') entry.call.acked();
  }

  onStrayResponse(): void {
    // 2xx retransmissions after our INVITE transaction ended: RFC 6026 Accepted covers 64*T1.
  }

  private reject(
    tx: ServerTransaction,
    status: number,
    reason?: string,
    headers: [string, string][] = [],
  ): void {
    this.counters.rejected[status] = (this.counters.rejected[status] ?? 0) + 1;
    tx.respond(
      createResponse(tx.request, status, { toTag: 'sbc', ...(reason ? { reason } : {}), headers }),
    );
  }

  private classify(tx: ServerTransaction) {
    const uri = tx.request.startLine.type === 'request' ? tx.request.startLine.uri : undefined;
    return this.options.policy.classify({
      source: tx.received.source,
      ...(tx.received.tls ? { tls: tx.received.tls } : {}),
      requestHost: uri && 'host' in uri ? uri.host : '',
      ...(uri && userOf(uri) ? { requestUser: userOf(uri) } : {}),
    });
  }

  private options_(tx: ServerTransaction): void {
    const c = this.classify(tx);
    if (!c.ok) {
      if (c.action === 'drop') this.counters.dropped.unknownSource++;
      else this.reject(tx, c.status, c.reason);
      return;
    }
    tx.respond(
      createResponse(tx.request, 200, {
        toTag: 'sbc',
        headers: [
          ['Allow', ALLOW],
          ['Accept', 'application/sdp'],
          ['Supported', SUPPORTED],
        ],
      }),
    );
  }

  private newCall(tx: ServerTransaction): void {
    const request = tx.request;
    const mf = getHeader(request, 'Max-Forwards');
    if (mf?.parsed?.kind === 'number' && mf.parsed.value === 0) return this.reject(tx, 483);
    const unsupported = (headerValue(request, 'Require') ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s && !KNOWN_OPTIONS.has(s));
    if (unsupported.length)
      return this.reject(tx, 420, undefined, [['Unsupported', unsupported.join(', ')]]);
    const c = this.classify(tx);
    if (!c.ok) {
      if (c.action === 'drop') {
        this.counters.dropped.unknownSource++;
        return;
      }
      return this.reject(tx, c.status, c.reason);
    }
    const { ingress } = c;
    // Codec policy: an offer in the INVITE with G.711 in it (no delayed offer: Teams never uses it).
    const sdp = request.body.length > 0 ? parseMediaSdp(bodyText(request)) : undefined;
    if (!sdp || !sdp.ok) {
      return this.reject(tx, 488, sdp ? 'Unreadable SDP offer' : 'SDP offer required', [
        [
          'Warning',
          `399 ccx-sbc "${sdp && !sdp.ok ? sdp.error.replace(/"/g, "'") : 'no SDP in INVITE'}"`,
        ],
      ]);
    }
    if (!sdp.sdp.audio.codecs.some((codec) => isG711(codec))) {
      return this.reject(tx, 488, undefined, [
        ['Warning', '305 ccx-sbc "Incompatible media format: G.711 only"'],
      ]);
    }
    if (ingress.kind === 'trunk') {
      this.options.policy.applyHeaderRules(request, ingress.trunk.headerRules, 'in', {
        tenant: ingress.tenant.id,
      });
    }
    const decision = this.options.policy.route({
      ingress,
      calling: callingOf(request),
      called: calledOf(request),
    });
    if (!decision.ok)
      return this.reject(tx, decision.status, decision.reason, [
        ['Reason', `Q.850;cause=${decision.q850Cause}`],
      ]);
    const kbps = this.options.policy.callKbps({
      ptimeMs: sdp.sdp.audio.ptime ?? (ingress.kind === 'trunk' ? ingress.trunk.ptime : 20),
      ipVersion: sdp.sdp.audio.addressFamily === 'IP6' ? 6 : 4,
      srtp: sdp.sdp.audio.protocol.toUpperCase() === 'RTP/SAVP',
    });
    const admitted = this.options.policy.admit({
      tenant: decision.tenant,
      ...(ingress.kind === 'trunk' ? { trunk: ingress.trunk } : {}),
      kbps,
    });
    if (!admitted.ok) {
      const what = `${admitted.scope} ${admitted.id} at its ${admitted.limit === 'calls' ? 'call' : 'bandwidth'} limit`;
      this.reject(tx, 503, `Service Unavailable (${what})`, [
        ['Reason', `Q.850;cause=${Q850.noCircuit};text="${what}"`],
      ]);
      this.options.events.emit(
        'call.admission-rejected',
        decision.tenant.id,
        `rejected-${headerValue(request, 'Call-ID') ?? ''}`.slice(0, 256),
        {
          scope: admitted.scope,
          id: admitted.id,
          limit: admitted.limit,
          inUse: admitted.inUse,
          max: admitted.max,
          ...(admitted.requestedKbps !== undefined
            ? { requestedKbps: admitted.requestedKbps }
            : {}),
          sipStatus: 503,
        },
      );
      return;
    }
    const call = new Call(this.ctx, {
      tx,
      ingress,
      tenant: decision.tenant,
      direction: decision.direction,
      calling: decision.calling,
      called: decision.called,
      callingRewritten: decision.callingRewritten,
      destinations: decision.destinations,
      holdForRouting: decision.holdForRouting,
      kbps,
      releases: [admitted.release],
    });
    this.calls.set(call.id, call);
  }

  // ---- commands from routing ------------------------------------------------------------------

  /** `sbc.connect`; without a requestId (tests, tools) one is made up for call.connect-failed. */
  connect(
    callId: string,
    target: ConnectTarget,
    request: { requestId?: string; timeoutSeconds?: number } = {},
  ): { accepted: boolean; reason?: string } {
    const call = this.calls.get(callId);
    if (!call) return { accepted: false, reason: 'no such call on this SBC' };
    return call.connect(target, {
      requestId: request.requestId ?? randomUUID(),
      ...(request.timeoutSeconds !== undefined ? { timeoutSeconds: request.timeoutSeconds } : {}),
    });
  }

  /** `sbc.originate`: call `first` (an agent), then `then` (the customer), and join them. */
  originate(tenantId: string, req: OriginateRequest): { accepted: boolean; reason?: string } {
    if (this.calls.has(req.callId)) return { accepted: false, reason: 'call id already in use' };
    const tenant = this.options.policy.tenant(tenantId);
    if (!tenant) return { accepted: false, reason: 'unknown tenant' };
    const started = originate(this.ctx, tenant, req);
    if (!started.accepted) return started;
    if (!started.call.isEnded()) this.calls.set(started.call.id, started.call);
    return { accepted: true };
  }

  /** `sbc.answer`: answer a held call ourselves. */
  async answer(callId: string): Promise<{ answered: boolean; reason?: string }> {
    const call = this.calls.get(callId);
    return call ? answerLocally(call) : { answered: false, reason: 'no such call on this SBC' };
  }

  /** `sbc.play` into the caller's leg; rejects when the call is unknown or not answered. */
  async play(
    callId: string,
    prompt: string,
    bargeIn: boolean,
  ): Promise<{ playing: boolean; durationMs: number }> {
    return playPrompt(this.callOrThrow(callId), prompt, bargeIn);
  }

  /** `sbc.record` start/stop; rejects when the call is unknown or not answered. */
  async record(
    callId: string,
    action: 'start' | 'stop',
  ): Promise<{ recording: boolean; file?: string }> {
    return recordCall(this.callOrThrow(callId), action);
  }

  private callOrThrow(callId: string): Call {
    const call = this.calls.get(callId);
    if (!call) throw new Error('no such call on this SBC');
    return call;
  }

  hangup(callId: string, q850: number): boolean {
    const call = this.calls.get(callId);
    if (!call) return false;
    call.hangup(q850, 'system');
    return true;
  }

  /** Blind transfer of leg a to a new target, replacing leg b. */
  transfer(callId: string, target: ConnectTarget): { accepted: boolean; reason?: string } {
    const call = this.calls.get(callId);
    if (!call || call.state !== 'answered')
      return { accepted: false, reason: 'no answered call with that id' };
    const destinations = this.options.policy.destinationsFor(call.tenant, target);
    if (destinations.length === 0) return { accepted: false, reason: 'no destination for target' };
    call.startTransfer(destinations, undefined, () => undefined, true);
    return { accepted: true };
  }

  /** Attended transfer: join `callId`'s caller to the callee of `withCallId`, releasing the transferor. */
  async transferAttended(
    callId: string,
    withCallId: string,
  ): Promise<{ accepted: boolean; reason?: string }> {
    const x = this.calls.get(callId);
    const y = this.calls.get(withCallId);
    if (!x || !y) return { accepted: false, reason: 'both calls must be on this SBC' };
    const result = await mergeCalls(x, y, 'bye');
    if (!result.ok) return { accepted: false, reason: result.reason };
    this.options.events.emit('call.transferred', x.tenant.id, x.id, {
      target: {
        uri: `tel:${y.called}`,
        ...(/^\+[1-9][0-9]{1,14}$/.test(y.called) ? { number: y.called } : {}),
      },
      kind: 'attended',
    });
    return { accepted: true };
  }

  close(): void {
    for (const call of [...this.calls.values()]) call.hangup(Q850.normalUnspecified, 'system');
    this.transactions.close();
  }
}

const key = (callId: string, tag: string): string => `${callId}\u0000${tag}`;

function userOf(uri: Uri): string | undefined {
  if (uri.scheme === 'tel' && 'number' in uri) return uri.number;
  return 'user' in uri ? uri.user : undefined;
}

/** The called party: the Request-URI user part (number). */
function calledOf(request: SipMessage): string {
  const uri = request.startLine.type === 'request' ? request.startLine.uri : undefined;
  return (uri && userOf(uri)) ?? '';
}

/** The calling party: P-Asserted-Identity when present, else From. */
function callingOf(request: SipMessage): string {
  const pai = headerValue(request, 'P-Asserted-Identity');
  const parsed = pai ? parseNameAddr(pai) : undefined;
  const addr = parsed?.ok ? parsed.value : nameAddr(request, 'From');
  return (addr && userOf(addr.uri)) ?? '';
}
