// One B2BUA call: leg a (the caller, our UAS dialog) and leg b (the callee, our UAC dialog),
// set up through sequential next-hop attempts with failover, media anchored on a media worker.
// In-dialog handling (BYE, re-INVITE, UPDATE, REFER, INFO) is in call-dialog.ts.
import { randomUUID } from 'node:crypto';
import type { Destination, Ingress, TenantConfig, TrunkConfig } from '@ccx/sbc-policy';
import {
  bodyText,
  createResponse,
  fromTag as fromTagOf,
  headerValue,
  newTag,
  textBody,
  type ServerTransaction,
  type SipMessage,
} from '@ccx/sip';
import type { EventInput } from '@ccx/contracts';
import { parseMediaSdp } from '@ccx/sdp';
import { Attempt } from './attempt';
import { agentAnswered, customerAnswered } from './originate';
import { CallRouting, endReasonOf, outcomeOf } from './call-routing';
import { CallTransfer } from './call-transfer';
import { endedEvent } from './cdr';
import type { CallEventName } from './ports';
import { ALLOW, SDP, SUPPORTED, type CallContext } from './call-context';
import { Dialog } from './dialog';
import type { ConnectTarget } from './policy-port';
import { Q850, q850ForStatus, q850FromReason } from './q850';
import { startSessionTimers, type SessionTimer } from './session-timer';
import { contactUri } from './sip-out';

export type CallState = 'setup' | 'waiting' | 'early' | 'answered' | 'ended';
export type EndReason =
  'normal' | 'busy' | 'no-answer' | 'rejected' | 'cancelled' | 'failed' | 'transferred';

/** An `sbc.originate` call: leg a is the agent we call first, leg b the customer we call then. */
export interface Origin {
  phase: 'first' | 'then';
  then: ConnectTarget;
  requestId: string;
  timeoutSeconds?: number;
}

/** Where a call came from: a trunk or Teams, or the SBC itself (`sbc.originate`). */
export type CallIngress = Ingress | { kind: 'originated'; tenant: TenantConfig };

export interface CallStart {
  /** Leg a's INVITE transaction (an originated call has a stand-in, see originate.ts). */
  tx: ServerTransaction;
  ingress: CallIngress;
  /** The call id routing chose (`sbc.originate`); else a new UUID. */
  id?: string;
  origin?: Origin;
  tenant: TenantConfig;
  direction: 'inbound' | 'outbound';
  calling: string;
  called: string;
  callingRewritten: boolean;
  destinations: Destination[];
  holdForRouting: boolean;
  kbps: number;
  releases: (() => void)[];
}

export class Call {
  readonly id: string;
  state: CallState = 'setup';
  readonly tenant: TenantConfig;
  readonly direction: 'inbound' | 'outbound';
  readonly calling: string;
  readonly called: string;
  readonly callingRewritten: boolean;
  readonly tx: ServerTransaction;
  readonly ingress: CallIngress;
  /** Set for `sbc.originate` calls. */
  readonly origin?: Origin;
  /** Our To tag towards leg a. */
  readonly aTag = newTag();
  aDialog?: Dialog;
  bDialog?: Dialog;
  /** The SDP leg a offered last (re-used when leg b is replaced by a transfer). */
  aOfferSdp: string;
  /** The SDP we last sent to leg b, and to leg a. */
  bLocalSdp?: string;
  aLocalSdp?: string;
  attempt?: Attempt;
  attempts = 0;
  egress?: string;
  mediaWorkerId?: string;
  transcoded?: boolean;
  codec?: 'PCMA' | 'PCMU';
  readonly startedAt: number;
  answeredAt?: number;
  private destinations: Destination[];
  private next = 0;
  /** The last next hop's failure (what the call ends with when no hop is left). */
  lastFailure = { status: 503, q850: Q850.noCircuit as number };
  private releases: (() => void)[];
  private egressRelease?: () => void;
  private okTimer?: NodeJS.Timeout;
  /** Held for routing: the no-command timer and `sbc.connect` attempts. */
  readonly routing: CallRouting = new CallRouting(this);
  /** Leg a was answered by the SBC itself (`sbc.answer`); leg b comes with a later connect. */
  answeredLocally = false;
  /** A recording is running (`sbc.record`): the no-command timer leaves the call alone. */
  recording = false;
  /** Leg b's transport profile; set once a media session exists (it is deleted at the end). */
  mediaProfile?: 'RTP/AVP' | 'RTP/SAVP';
  private ringingSent = false;
  readonly kbps: number;
  /** Which sides have put the call on hold (a=inactive / sendonly). */
  readonly heldBy = new Set<'a' | 'b'>();
  /** A transfer in progress (REFER, or sbc.transfer blind). */
  transfer?: CallTransfer;
  /** RFC 4028 session timers of each leg, when negotiated. */
  aTimer?: SessionTimer;
  bTimer?: SessionTimer;
  /** Old legs b after a transfer: their BYE ends nothing. */
  private readonly replacedDialogs = new Set<Dialog>();

  constructor(
    readonly ctx: CallContext,
    start: CallStart,
  ) {
    this.id = start.id ?? randomUUID();
    this.tx = start.tx;
    this.ingress = start.ingress;
    this.tenant = start.tenant;
    this.direction = start.direction;
    this.calling = start.calling;
    this.called = start.called;
    this.callingRewritten = start.callingRewritten;
    this.destinations = start.destinations;
    this.releases = start.releases;
    this.kbps = start.kbps;
    this.aOfferSdp = bodyText(start.tx.request);
    this.startedAt = ctx.now();
    start.tx.onCancel = () => this.onCancel();
    if (start.origin) {
      // Nothing offered to routing: routing asked for this call.
      this.origin = start.origin;
      this.routing.begin({
        requestId: start.origin.requestId,
        ...(start.origin.timeoutSeconds !== undefined
          ? { timeoutSeconds: start.origin.timeoutSeconds }
          : {}),
      });
      void this.tryNext();
      return;
    }
    this.emitCall('call.offered', {
      direction: this.direction,
      from: {
        uri: `tel:${this.calling}`,
        ...(isE164(this.calling) ? { number: this.calling } : {}),
      },
      to: { uri: `tel:${this.called}`, ...(isE164(this.called) ? { number: this.called } : {}) },
      ...(this.ingress.kind === 'trunk' ? { trunkId: this.ingress.trunk.id } : {}),
      ...(this.ingress.kind === 'trunk' && this.ingress.trunk.siteId
        ? { siteId: this.ingress.trunk.siteId }
        : {}),
      sbcId: ctx.sbcId,
      sipCallId: headerValue(start.tx.request, 'Call-ID') ?? '',
    });
    if (start.holdForRouting) this.waitForRouting();
    else void this.tryNext();
  }

  /** State read after an await (TypeScript keeps the narrowing from before it). */
  isEnded(): boolean {
    return this.state === 'ended';
  }

  get ingressName(): string {
    const i = this.ingress;
    return i.kind === 'trunk' ? i.trunk.id : i.kind === 'originated' ? 'sbc' : 'teams';
  }

  emitCall<N extends CallEventName>(name: N, data: EventInput<N>): void {
    this.ctx.events.emit(name, this.tenant.id, this.id, data);
  }

  // ---- routing command (queue numbers) ---------------------------------------------------

  private waitForRouting(): void {
    this.state = 'waiting';
    this.respondA(180);
    this.routing.armHoldTimer();
  }

  /** `sbc.connect` (call-routing.ts). */
  connect(
    target: ConnectTarget,
    request: { requestId: string; timeoutSeconds?: number },
  ): { accepted: boolean; reason?: string } {
    return this.routing.connect(target, request);
  }

  /** Next hops for a connect: tried in order from the first. */
  route(destinations: Destination[]): void {
    this.destinations = destinations;
    this.next = 0;
    this.lastFailure = { status: 503, q850: Q850.noCircuit };
    void this.tryNext();
  }

  // ---- next-hop attempts --------------------------------------------------------------------

  async tryNext(): Promise<void> {
    if (this.state === 'ended') return;
    const destination = this.destinations[this.next++];
    if (!destination) {
      if (this.transfer) return this.transfer.failed(this.lastFailure.status);
      if (this.routing.connecting) return this.routing.failed(outcomeOf(this.lastFailure.status));
      this.fail(this.lastFailure.status, this.lastFailure.q850, 'no next hop answered');
      return;
    }
    this.releaseEgress();
    const trunk: TrunkConfig | undefined =
      destination.kind === 'trunk' ? destination.trunk : undefined;
    if (trunk) {
      const admitted = this.ctx.policy.admit({ tenant: this.tenant, trunk, kbps: this.kbps });
      if (!admitted.ok) {
        // The tenant is counted at ingress; a full trunk is skipped like a failed one.
        this.emitCall('call.admission-rejected', {
          scope: admitted.scope,
          id: admitted.id,
          limit: admitted.limit,
          inUse: admitted.inUse,
          max: admitted.max,
          ...(admitted.requestedKbps !== undefined
            ? { requestedKbps: admitted.requestedKbps }
            : {}),
          sipStatus: 503,
        });
        this.lastFailure = { status: 503, q850: Q850.noCircuit };
        return this.tryNext();
      }
      this.egressRelease = admitted.release;
    }
    const profile = destination.kind === 'teams' ? 'RTP/SAVP' : 'RTP/AVP';
    let offerSdp: string;
    if (this.transfer?.side === 'a' || this.origin?.phase === 'then') {
      // Replacing leg a (or, for an originated call, giving it its party): offer our leg-a media
      // as it is; the target must use the same profile.
      const ours = this.aLocalSdp ?? '';
      if (
        !ours.includes(`m=audio`) ||
        !new RegExp(`m=audio \\d+ ${profile.replace('/', '\\/')} `).test(ours)
      ) {
        this.lastFailure = { status: 488, q850: Q850.bearerNotAvailable };
        return this.tryNext();
      }
      offerSdp = bumpSdpVersion(ours);
      this.aLocalSdp = offerSdp;
      this.attempts++;
      this.attempt = new Attempt(this, destination, offerSdp);
      await this.attempt.start();
      return;
    }
    try {
      offerSdp = await this.offerMedia(profile, trunk);
    } catch (err) {
      this.ctx.log.warn({ callId: this.id, err: String(err) }, 'media offer failed');
      if (this.transfer) return this.transfer.failed(488);
      if (this.routing.connecting) return this.routing.failed('failed');
      const mismatch = /codec|G\.711|not acceptable|no common/i.test(String(err));
      this.fail(
        mismatch ? 488 : 503,
        mismatch ? Q850.bearerNotAvailable : Q850.resourceUnavailable,
        String(err),
      );
      return;
    }
    if (this.isEnded()) return;
    this.attempts++;
    this.attempt = new Attempt(this, destination, offerSdp);
    await this.attempt.start();
  }

  private async offerMedia(profile: 'RTP/AVP' | 'RTP/SAVP', trunk?: TrunkConfig): Promise<string> {
    const offer = await this.ctx.media.offer({
      tenantId: this.tenant.id,
      callId: this.id,
      fromTag: fromTagOf(this.tx.request) ?? 'a',
      sdp: this.aOfferSdp,
      bProfile: profile,
      ...(trunk ? { bCodecs: trunk.codecs } : {}),
    });
    this.mediaProfile = profile;
    this.mediaWorkerId = offer.workerId;
    this.bLocalSdp = offer.sdp;
    return offer.sdp;
  }

  /** A next hop failed: try the next one when the status allows it, else give up with it. */
  attemptFailed(status: number, reason: SipMessage | undefined): void {
    if (this.state === 'ended') return;
    this.attempt = undefined;
    const q850 =
      q850FromReason(reason ? headerValue(reason, 'Reason') : undefined) ?? q850ForStatus(status);
    this.lastFailure = { status, q850 };
    if (this.ctx.policy.failoverStatuses.has(status) && this.next < this.destinations.length) {
      this.ctx.log.info({ callId: this.id, status }, 'next hop failed; trying the next one');
      void this.tryNext();
      return;
    }
    if (this.transfer) return this.transfer.failed(status);
    if (this.routing.connecting) {
      const real = reason?.startLine.type === 'response';
      return this.routing.failed(outcomeOf(status), real ? status : undefined);
    }
    this.fail(
      status,
      q850,
      reason?.startLine.type === 'response' ? reason.startLine.reason : 'failed',
    );
  }

  /** 18x from leg b: relay ringing / early media to leg a. */
  async provisional(response: SipMessage, status: number): Promise<void> {
    if (this.transfer)
      return this.transfer.report(status, status === 183 ? 'Session Progress' : 'Ringing');
    if (this.state === 'ended' || this.state === 'answered') return;
    this.state = 'early';
    // (An originated call's leg a has no party yet: the agent's early media goes nowhere.)
    if (response.body.length > 0 && !this.aLocalSdp && !this.origin) {
      const toTag = headerValue(response, 'To') ?? '';
      try {
        const answer = await this.ctx.media.answer({
          tenantId: this.tenant.id,
          callId: this.id,
          toTag,
          sdp: bodyText(response),
        });
        this.aLocalSdp = answer.sdp;
        this.transcoded = answer.transcoding;
      } catch (err) {
        this.ctx.log.warn({ callId: this.id, err: String(err) }, 'early media answer refused');
      }
    }
    if (this.state !== 'early') return;
    const early = this.aLocalSdp !== undefined && status === 183;
    this.respondA(status === 183 && !early ? 180 : status, early ? this.aLocalSdp : undefined);
    if (!this.ringingSent) {
      this.ringingSent = true;
      this.emitCall('call.ringing', { earlyMedia: early });
    }
  }

  /** Leg b answered: answer leg a with the media worker's SDP. */
  async answered(bDialog: Dialog, response: SipMessage): Promise<void> {
    if (this.transfer) return this.transfer.answered(bDialog, response);
    if (this.origin?.phase === 'first') return agentAnswered(this, bDialog, response);
    if (this.origin?.phase === 'then') return customerAnswered(this, bDialog, response);
    this.routing.answering();
    this.bDialog = bDialog;
    this.ctx.register(bDialog, this, 'b');
    try {
      const answer = await this.ctx.media.answer({
        tenantId: this.tenant.id,
        callId: this.id,
        toTag: bDialog.remoteTag,
        sdp: bodyText(response),
      });
      // A call we answered ourselves keeps the SDP leg a has (the relay keeps its codec).
      if (!this.answeredLocally) {
        this.aLocalSdp = answer.sdp;
        this.codec = answeredCodec(answer.sdp);
      }
      this.transcoded = answer.transcoding;
    } catch (err) {
      this.ctx.log.warn({ callId: this.id, err: String(err) }, 'media answer refused');
      this.bye('b', Q850.bearerNotAvailable);
      if (this.routing.connecting && !this.isEnded()) {
        this.ctx.unregister(bDialog);
        this.bDialog = undefined;
        return this.routing.failed('failed', 488);
      }
      this.fail(488, Q850.bearerNotAvailable, 'answer not acceptable');
      return;
    }
    if (this.state === 'ended') {
      this.bye('b', Q850.normalClearing);
      return;
    }
    this.routing.done();
    if (this.answeredLocally) return this.joinedLocallyAnswered(bDialog, response);
    this.state = 'answered';
    this.answeredAt = this.ctx.now();
    this.egress = this.attempt?.name ?? this.egress;
    this.confirmA();
    startSessionTimers(this, bDialog, response);
    this.sendOk();
    this.emitCall('call.answered', { ...(this.codec ? { codec: this.codec } : {}) });
  }

  /** Leg a's dialog, confirmed by our 2xx. */
  confirmA(): void {
    const target = this.tx.received;
    const dialog = Dialog.asUas(this.tx.request, this.aTag, this.aContact(), {
      ...target.source,
      ...(target.connectionId ? { connectionId: target.connectionId } : {}),
    });
    if (dialog) {
      this.aDialog = dialog;
      this.ctx.register(dialog, this, 'a');
    }
  }

  /** 200 OK to leg a (our SDP in aLocalSdp), retransmitted over UDP until the ACK. */
  sendOk(): void {
    const ok = this.okResponse();
    this.tx.respond(ok);
    this.retransmitOk(ok);
  }

  /** Leg b answered a call we had answered ourselves: leg a already has its 200 OK. */
  private joinedLocallyAnswered(bDialog: Dialog, response: SipMessage): void {
    this.egress = this.attempt?.name ?? this.egress;
    startSessionTimers(this, bDialog, response, false);
    this.emitCall('call.answered', { ...(this.codec ? { codec: this.codec } : {}) });
  }

  /** Session-Expires / Require headers for a 2xx to leg a (initial or refresh). */
  sessionHeaders(): [string, string][] {
    return this.aTimer
      ? [
          ['Session-Expires', `${this.aTimer.intervalS};refresher=uac`],
          ['Require', 'timer'],
        ]
      : [];
  }

  sessionRefreshed(side: 'a' | 'b'): void {
    (side === 'a' ? this.aTimer : this.bTimer)?.refreshed();
  }

  okResponse(): SipMessage {
    return createResponse(this.tx.request, 200, {
      toTag: this.aTag,
      headers: [
        ['Contact', this.aContact()],
        ['Allow', ALLOW],
        ['Supported', SUPPORTED],
        ...this.sessionHeaders(),
      ],
      body: textBody(this.aLocalSdp ?? ''),
      contentType: SDP,
    });
  }

  /** RFC 3261 13.3.1.4: the UAS core retransmits 2xx over UDP until the ACK arrives. */
  private retransmitOk(ok: SipMessage): void {
    if (this.tx.received.source.protocol !== 'udp') return;
    let interval = this.ctx.t1;
    const deadline = this.ctx.now() + 64 * this.ctx.t1;
    const tick = () => {
      if (this.state !== 'answered' || !this.okTimer) return;
      if (this.ctx.now() >= deadline) {
        this.okTimer = undefined;
        this.ctx.log.warn({ callId: this.id }, 'no ACK for our 200 OK; ending the call');
        this.hangup(Q850.recoveryOnTimerExpiry, 'system');
        return;
      }
      void this.ctx.sip.transport
        .send(ok, this.aDialog?.target ?? this.tx.received.source)
        .catch(() => undefined);
      interval = Math.min(interval * 2, this.ctx.t2);
      this.okTimer = setTimeout(tick, interval);
    };
    this.okTimer = setTimeout(tick, interval);
  }

  /** The ACK for our 2xx arrived. */
  acked(): void {
    clearTimeout(this.okTimer);
    this.okTimer = undefined;
  }

  aContact(): string {
    const local = this.ctx.sip.local(this.aDialog?.target ?? this.tx.received.source);
    const fqdn =
      this.ingress.kind === 'teams' ? this.ctx.policy.tenantFqdn(this.tenant) : undefined;
    return contactUri(
      this.called.startsWith('+') ? this.called : undefined,
      fqdn ?? local.host,
      local,
    );
  }

  respondA(status: number, sdp?: string, reason?: string, extra: [string, string][] = []): void {
    if (this.tx.state === 'terminated' || this.tx.state === 'completed') return;
    const headers: [string, string][] = [...extra];
    if (status > 100 && status < 300) headers.push(['Contact', this.aContact()], ['Allow', ALLOW]);
    this.tx.respond(
      createResponse(this.tx.request, status, {
        toTag: this.aTag,
        ...(reason ? { reason } : {}),
        headers,
        ...(sdp ? { body: textBody(sdp), contentType: SDP } : {}),
      }),
    );
  }

  // ---- ending ------------------------------------------------------------------------------

  private onCancel(): void {
    if (this.state === 'answered' || this.state === 'ended') return;
    this.respondA(487);
    this.attempt?.cancel('Q.850;cause=16;text="Call completed elsewhere"');
    this.finish('cancelled', 487, Q850.normalClearing, 'caller');
  }

  /** Refuse the call to leg a (setup failed everywhere). */
  fail(status: number, q850: number, why: string): void {
    if (this.state === 'ended') return;
    this.attempt?.cancel();
    this.respondA(status, undefined, undefined, [['Reason', `Q.850;cause=${q850}`]]);
    this.ctx.log.info({ callId: this.id, status, why }, 'call refused');
    this.finish(endReasonOf(status), status, q850, 'system');
  }

  /** BYE both sides (or the one that is left) and end. */
  hangup(q850: number, by: 'caller' | 'callee' | 'system', except?: 'a' | 'b'): void {
    if (this.state === 'ended') return;
    if (this.state !== 'answered') {
      this.fail(q850 === Q850.normalClearing ? 480 : 503, q850, 'hung up before answer');
      return;
    }
    if (except !== 'a') this.bye('a', q850);
    if (except !== 'b') this.bye('b', q850);
    this.finish('normal', undefined, q850, by);
  }

  bye(side: 'a' | 'b', q850: number): void {
    const dialog = side === 'a' ? this.aDialog : this.bDialog;
    if (!dialog) return;
    const bye = dialog.request('BYE', { headers: [['Reason', `Q.850;cause=${q850}`]] });
    this.ctx.sip.send(bye, dialog.target, {
      onResponse: () => undefined,
      onTimeout: () => undefined,
      onTransportError: () => undefined,
    });
  }

  finish(
    reason: EndReason,
    sipStatus: number | undefined,
    q850: number,
    endedBy: 'caller' | 'callee' | 'system',
  ): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    clearTimeout(this.okTimer);
    this.routing.dispose();
    this.aTimer?.stop();
    this.bTimer?.stop();
    this.attempt?.cancel();
    for (const release of this.releases) release();
    this.releaseEgress();
    if (this.aDialog) this.ctx.unregister(this.aDialog);
    if (this.bDialog) this.ctx.unregister(this.bDialog);
    for (const d of this.replacedDialogs) this.ctx.unregister(d);
    this.replacedDialogs.clear();
    if (this.mediaProfile) {
      void this.ctx.media
        .delete({ tenantId: this.tenant.id, callId: this.id })
        .catch((err: unknown) =>
          this.ctx.log.warn({ callId: this.id, err: String(err) }, 'media delete failed'),
        );
    }
    const endedAt = this.ctx.now();
    this.emitCall('call.ended', endedEvent(this, { reason, sipStatus, q850, endedBy, endedAt }));
    this.ctx.ended(this);
  }

  releaseEgress(): void {
    this.egressRelease?.();
    this.egressRelease = undefined;
  }

  // ---- transfers (call-transfer.ts does the work) ----------------------------------------

  /** Headers the next attempt adds to its INVITE (Replaces during a transfer). */
  get attemptHeaders(): [string, string][] {
    return this.transfer?.headers ?? [];
  }

  /** Who new legs present as the caller: the transferee (leg b's party) when leg a is replaced. */
  get attemptCalling(): string {
    return this.transfer?.side === 'a' ? this.called : this.calling;
  }

  startTransfer(
    destinations: Destination[],
    replaces: string | undefined,
    report: (status: number, reason: string) => void,
    byeOldNow = false,
    side: 'a' | 'b' = 'b',
  ): void {
    const old = side === 'a' ? this.aDialog : this.bDialog;
    if (!old || this.transfer) {
      report(491, 'Request Pending');
      return;
    }
    this.transfer = new CallTransfer(this, side, old, report, replaces, byeOldNow);
    this.destinations = destinations;
    this.next = 0;
    void this.tryNext();
  }

  /** The transfer is over (answered or failed): setup results go to the call again. */
  endTransfer(): void {
    this.transfer = undefined;
    this.attempt = undefined;
  }

  /** A BYE on a leg replaced by a transfer: answered, and the call goes on. */
  replaced(dialog: Dialog): boolean {
    if (!this.replacedDialogs.delete(dialog)) return false;
    this.ctx.unregister(dialog);
    return true;
  }

  /** The transferor normally hangs up after NOTIFY 200; if it does not, release it ourselves. */
  releaseLater(old: Dialog): void {
    this.replacedDialogs.add(old);
    setTimeout(() => {
      if (this.replacedDialogs.has(old)) {
        this.replacedDialogs.delete(old);
        this.ctx.unregister(old);
        this.byeDialog(old);
      }
    }, 32 * this.ctx.t1).unref();
  }

  byeDialog(dialog: Dialog): void {
    const bye = dialog.request('BYE', { headers: [['Reason', 'Q.850;cause=16']] });
    this.ctx.sip.send(bye, dialog.target, {
      onResponse: () => undefined,
      onTimeout: () => undefined,
      onTransportError: () => undefined,
    });
  }

  /** Leg b's SDP profile now in use. */
  get bProfile(): 'RTP/AVP' | 'RTP/SAVP' | undefined {
    return this.mediaProfile;
  }
}

/** RFC 3264 8: a changed SDP carries a higher o= version. */
export function bumpSdpVersion(sdp: string): string {
  return sdp.replace(
    /^(o=\S+ \S+ )(\d+)/m,
    (_m, head: string, v: string) => `${head}${BigInt(v) + 1n}`,
  );
}

/** The G.711 law leg a was answered with (the first codec of our answer). */
export function answeredCodec(sdp: string): 'PCMA' | 'PCMU' | undefined {
  const parsed = parseMediaSdp(sdp);
  const name = parsed.ok ? parsed.sdp.audio.codecs[0]?.name.toUpperCase() : undefined;
  return name === 'PCMA' || name === 'PCMU' ? name : undefined;
}

const isE164 = (n: string): boolean => /^\+[1-9][0-9]{1,14}$/.test(n);
