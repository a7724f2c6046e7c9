// One INVITE from the B2BUA to one next hop (a trunk or a Teams proxy): the request as the peer
// expects it, its responses (PRACK for reliable provisionals), a no-answer timer for failover, and
// clean-up of a late 2xx after the attempt was given up (ACK then BYE).
import type { Destination } from '@ccx/sbc-policy';
import {
  createRequest,
  getHeader,
  headerValue,
  nameAddr,
  newCallId,
  newTag,
  textBody,
  toTag,
  type ClientTransaction,
  type ReceivedMessage,
  type SendTarget,
  type SipMessage,
} from '@ccx/sip';
import { ALLOW, SDP, SUPPORTED } from './call-context';
import type { Call } from './call';
import { Dialog, uriOf } from './dialog';
import { MIN_SE_S, SESSION_EXPIRES_S } from './session-timer';
import { contactUri } from './sip-out';

export class Attempt {
  readonly callId = newCallId();
  readonly fromTag = newTag();
  private tx?: ClientTransaction;
  private request?: SipMessage;
  private target?: SendTarget;
  private timer?: NodeJS.Timeout;
  /** Alerting without a final answer for this long: CANCEL and 480 (the transaction has no timer). */
  private ringTimer?: NodeJS.Timeout;
  private abandoned = false;
  private responded = false;
  private done = false;
  private early?: Dialog;
  private lastRSeq = 0;

  constructor(
    private readonly call: Call,
    readonly destination: Destination,
    private readonly sdp: string,
  ) {}

  get name(): string {
    const d = this.destination;
    return d.kind === 'trunk'
      ? d.trunk.id
      : d.kind === 'teams'
        ? `teams:${d.proxy.host}`
        : d.requestUri;
  }

  async start(): Promise<void> {
    const { ctx } = this.call;
    const d = this.destination;
    const uri = uriOf(d.requestUri);
    const host = 'host' in uri ? uri.host.replace(/^\[|\]$/g, '') : '';
    const port = 'port' in uri && uri.port ? uri.port : undefined;
    const protocol =
      d.kind === 'teams'
        ? 'tls'
        : d.kind === 'trunk'
          ? d.trunk.transport
          : (transportParam(uri) ?? 'udp');
    try {
      this.target =
        d.kind === 'teams'
          ? await ctx.resolver.resolve(d.proxy.host, d.proxy.port, 'tls', d.proxy.address)
          : d.kind === 'trunk'
            ? await ctx.resolver.resolve(
                d.trunk.host,
                d.trunk.port,
                d.trunk.transport,
                d.trunk.address,
              )
            : await ctx.resolver.resolve(
                host,
                port ?? (protocol === 'tls' ? 5061 : 5060),
                protocol,
              );
    } catch (err) {
      ctx.log.warn({ callId: this.call.id, host, err: String(err) }, 'next hop not resolved');
      this.call.attemptFailed(503, undefined);
      return;
    }
    if (this.call.state === 'ended') return;
    const local = ctx.sip.local(this.target);
    const contactHost = d.kind === 'teams' ? d.contactHost : local.host;
    const from = nameAddr(this.call.tx.request, 'From');
    const display = from?.displayName ? `"${from.displayName.replace(/["\\]/g, '')}" ` : '';
    const fromUri =
      d.kind === 'teams'
        ? `sip:${this.call.attemptCalling}@${contactHost}`
        : `sip:${this.call.attemptCalling}@${local.host}`;
    const toUri = d.requestUri.replace(/;transport=[a-z]+/i, '');
    const headers: [string, string][] = [
      ['Max-Forwards', String(maxForwards(this.call.tx.request))],
      ['From', `${display}<${fromUri}>;tag=${this.fromTag}`],
      ['To', `<${toUri}>`],
      ['Call-ID', this.callId],
      ['CSeq', '1 INVITE'],
      ['Contact', contactUri(this.call.attemptCalling, contactHost, local)],
      ['Allow', ALLOW],
      ['Supported', SUPPORTED],
      ['Session-Expires', String(SESSION_EXPIRES_S)],
      ['Min-SE', String(MIN_SE_S)],
      ['User-Agent', 'ccx-sbc'],
    ];
    if (this.call.callingRewritten || d.kind === 'teams') {
      headers.push(['P-Asserted-Identity', `<sip:${this.call.attemptCalling}@${contactHost}>`]);
    }
    headers.push(...this.call.attemptHeaders);
    const privacy = headerValue(this.call.tx.request, 'Privacy');
    if (privacy) headers.push(['Privacy', privacy]);
    const request = this.buildInvite(uri, headers);
    if (d.kind === 'trunk') {
      ctx.policy.applyHeaderRules(request, d.trunk.headerRules, 'out', {
        'from.user': this.call.attemptCalling,
        'to.user': this.call.called,
        tenant: this.call.tenant.id,
      });
    }
    this.request = request;
    this.timer = setTimeout(() => this.noAnswer(), ctx.policy.noAnswerMs);
    this.tx = ctx.sip.send(request, this.target, {
      onResponse: (res, rx) => this.onResponse(res, rx),
      onTimeout: () => this.failed(408),
      onTransportError: (err) => {
        ctx.log.warn(
          { callId: this.call.id, hop: this.name, err: err.message },
          'next hop unreachable',
        );
        this.failed(503);
      },
    });
  }

  private buildInvite(uri: ReturnType<typeof uriOf>, headers: [string, string][]): SipMessage {
    return createRequest({
      method: 'INVITE',
      uri,
      headers,
      body: textBody(this.sdp),
      contentType: SDP,
    });
  }

  private noAnswer(): void {
    if (this.responded || this.done) return;
    this.call.ctx.log.info(
      { callId: this.call.id, hop: this.name },
      'next hop silent; failing over',
    );
    this.cancel();
    this.call.attemptFailed(408, undefined);
  }

  private ringTimeout(): void {
    if (this.done || this.abandoned) return;
    this.call.ctx.log.info(
      { callId: this.call.id, hop: this.name },
      'no answer while ringing; cancelling',
    );
    this.cancel('Q.850;cause=19;text="No answer"');
    this.done = true;
    this.call.attemptFailed(480, undefined);
  }

  private failed(status: number, response?: SipMessage): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    clearTimeout(this.ringTimer);
    if (this.abandoned) return;
    this.call.attemptFailed(status, response);
  }

  private onResponse(res: SipMessage, rx: ReceivedMessage): void {
    if (res.startLine.type !== 'response') return;
    const status = res.startLine.status;
    this.responded = true;
    clearTimeout(this.timer);
    if (status >= 200 && status < 300) return this.onSuccess(res, rx);
    if (this.abandoned) return;
    if (status < 200) {
      if (status === 100) return;
      this.earlyDialog(res, rx);
      this.prack(res);
      this.ringTimer ??= setTimeout(() => this.ringTimeout(), this.call.ctx.ringTimeoutMs);
      void this.call.provisional(res, status);
      return;
    }
    this.failed(status, res);
  }

  private earlyDialog(res: SipMessage, rx: ReceivedMessage): void {
    if (this.early || !toTag(res) || !this.request || !this.target) return;
    this.early = Dialog.asUac(this.request, res, this.contact(), this.targetFor(rx));
  }

  /** RFC 3262: PRACK a reliable provisional (Require: 100rel with RSeq), once per RSeq. */
  private prack(res: SipMessage): void {
    const require = headerValue(res, 'Require') ?? '';
    const rseq = Number(headerValue(res, 'RSeq'));
    if (!/100rel/i.test(require) || !Number.isInteger(rseq) || rseq <= this.lastRSeq || !this.early)
      return;
    this.lastRSeq = rseq;
    this.early.refreshTarget(res);
    const prack = this.early.request('PRACK', { headers: [['RAck', `${rseq} 1 INVITE`]] });
    this.call.ctx.sip.send(prack, this.early.target, {
      onResponse: () => undefined,
      onTimeout: () => undefined,
      onTransportError: () => undefined,
    });
  }

  private onSuccess(res: SipMessage, rx: ReceivedMessage): void {
    clearTimeout(this.ringTimer);
    if (!this.request || !this.target) return;
    const first = !this.done;
    this.done = true;
    const dialog = Dialog.asUac(this.request, res, this.contact(), this.targetFor(rx));
    if (!dialog) return;
    // Requests sent in the early dialog (PRACK) used CSeq numbers the confirmed dialog goes on from.
    if (this.early && this.early.remoteTag === dialog.remoteTag) {
      dialog.localSeq = Math.max(dialog.localSeq, this.early.localSeq);
    }
    this.sendAck(dialog);
    if (!first) return; // a retransmitted 2xx: the ACK again is all it needs
    if (this.abandoned || this.call.state === 'ended') {
      // Answered after we gave up (CANCEL race, failover): end it at once.
      const bye = dialog.request('BYE', { headers: [['Reason', 'Q.850;cause=16']] });
      this.call.ctx.sip.send(bye, dialog.target, {
        onResponse: () => undefined,
        onTimeout: () => undefined,
        onTransportError: () => undefined,
      });
      return;
    }
    void this.call.answered(dialog, res);
  }

  private sendAck(dialog: Dialog): void {
    const ack = dialog.request('ACK', { seq: 1 });
    void this.call.ctx.sip.ack(ack, dialog.target).catch(() => undefined);
  }

  private contact(): string {
    const local = this.call.ctx.sip.local(this.target!);
    const host = this.destination.kind === 'teams' ? this.destination.contactHost : local.host;
    return contactUri(this.call.attemptCalling, host, local);
  }

  /** In-dialog requests go back to the hop we reached, on the same connection when there is one. */
  private targetFor(rx: ReceivedMessage): SendTarget {
    return {
      ...this.target!,
      ...(rx.connectionId ? { connectionId: rx.connectionId } : {}),
    };
  }

  cancel(reason?: string): void {
    this.abandoned = true;
    clearTimeout(this.timer);
    clearTimeout(this.ringTimer);
    if (!this.done) this.tx?.cancel(reason);
  }
}

function maxForwards(request: SipMessage): number {
  const h = getHeader(request, 'Max-Forwards');
  const n = h?.parsed?.kind === 'number' ? h.parsed.value : 70;
  return Math.max(0, n - 1);
}

function transportParam(uri: ReturnType<typeof uriOf>): 'udp' | 'tcp' | 'tls' | undefined {
  if (!('params' in uri)) return undefined;
  const t = uri.params['transport']?.toLowerCase();
  if (uri.scheme === 'sips') return 'tls';
  return t === 'tcp' || t === 'tls' || t === 'udp' ? t : undefined;
}
