// RFC 4028 session timers, one per leg. The refresher refreshes at half the interval; the other side
// expects a refresh and ends the call when none came by the interval minus min(32 s, interval/3).
// We refresh leg b with UPDATE without SDP when it allows UPDATE (RFC 4028 9), else re-INVITE with
// our current SDP. Leg a: we ask the caller to refresh (refresher=uac) when it supports timers.
import { headerValue, textBody, type SipMessage } from '@ccx/sip';
import type { Call } from './call';
import type { B2buaLogger } from './ports';
import type { SipOut } from './sip-out';
import { SDP } from './call-context';
import type { Dialog } from './dialog';
import { Q850 } from './q850';

/** What we ask for on leg b, and accept as the smallest interval (RFC 4028 Min-SE default). */
export const SESSION_EXPIRES_S = 1800;
export const MIN_SE_S = 90;

export interface SessionTimerSpec {
  intervalS: number;
  refresher: 'uac' | 'uas';
}

/** `Session-Expires: 1800;refresher=uac` → spec, or undefined when absent or unreadable. */
export function parseSessionExpires(message: SipMessage): SessionTimerSpec | undefined {
  const value = headerValue(message, 'Session-Expires');
  if (!value) return undefined;
  const m = /^\s*([0-9]{1,10})\s*(?:;(.*))?$/.exec(value);
  if (!m) return undefined;
  const intervalS = Number(m[1]);
  const refresher = /refresher\s*=\s*uas/i.test(m[2] ?? '') ? 'uas' : 'uac';
  return intervalS >= MIN_SE_S ? { intervalS, refresher } : undefined;
}

export const supportsTimer = (message: SipMessage): boolean =>
  /(^|,)\s*timer\s*(,|$)/i.test(
    `${headerValue(message, 'Supported') ?? ''},${headerValue(message, 'Require') ?? ''}`,
  );

/** What a session timer needs of its call (a Call; tests give a small stand-in). */
export interface TimedCall {
  readonly id: string;
  readonly state: string;
  readonly aLocalSdp?: string | undefined;
  readonly bLocalSdp?: string | undefined;
  readonly ctx: { sip: Pick<SipOut, 'send' | 'ack'>; log: Pick<B2buaLogger, 'info'> };
  hangup(q850: number, by: 'system'): void;
}

export class SessionTimer {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly call: TimedCall,
    private readonly side: 'a' | 'b',
    private readonly dialog: Dialog,
    readonly intervalS: number,
    /** We send the refreshes (else we wait for them). */
    private readonly weRefresh: boolean,
    private readonly allowsUpdate: boolean,
  ) {
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.timer);
    const ms = this.weRefresh
      ? (this.intervalS * 1000) / 2
      : (this.intervalS - Math.min(32, this.intervalS / 3)) * 1000;
    this.timer = setTimeout(() => (this.weRefresh ? this.refresh() : this.expired()), ms);
    this.timer.unref?.();
  }

  /** A refresh (re-INVITE or UPDATE) passed on this leg. */
  refreshed(): void {
    if (this.timer) this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private refresh(): void {
    if (this.call.state !== 'answered') return;
    const sdp = this.side === 'b' ? this.call.bLocalSdp : this.call.aLocalSdp;
    const method = this.allowsUpdate || !sdp ? 'UPDATE' : 'INVITE';
    const headers: [string, string][] = [
      ['Session-Expires', `${this.intervalS};refresher=uac`],
      ['Supported', 'timer'],
    ];
    const request = this.dialog.request(method, {
      headers,
      ...(method === 'INVITE' && sdp ? { body: textBody(sdp), contentType: SDP } : {}),
    });
    this.call.ctx.sip.send(request, this.dialog.target, {
      onResponse: (res) => {
        if (res.startLine.type !== 'response' || res.startLine.status < 200) return;
        const status = res.startLine.status;
        if (method === 'INVITE' && status < 300) {
          void this.call.ctx.sip.ack(
            this.dialog.request('ACK', { seq: this.dialog.localSeq }),
            this.dialog.target,
          );
        }
        if (status === 481 || status === 408) this.expired();
        else this.arm();
      },
      onTimeout: () => this.expired(),
      onTransportError: () => this.expired(),
    });
  }

  private expired(): void {
    this.timer = undefined;
    if (this.call.state !== 'answered') return;
    this.call.ctx.log.info(
      { callId: this.call.id, leg: this.side },
      'session timer expired; ending the call',
    );
    this.call.hangup(Q850.recoveryOnTimerExpiry, 'system');
  }
}

/** At answer. Leg b: as the callee's 2xx says; leg a: the caller refreshes when it supports timers. */
export function startSessionTimers(
  call: Call,
  bDialog: Dialog,
  response: SipMessage,
  /** Leg a too (false when leg a was answered earlier, without Session-Expires). */
  legA = true,
): void {
  const b = parseSessionExpires(response);
  if (b) {
    const allowsUpdate = /\bUPDATE\b/i.test(headerValue(response, 'Allow') ?? '');
    call.bTimer = new SessionTimer(
      call,
      'b',
      bDialog,
      b.intervalS,
      b.refresher === 'uac',
      allowsUpdate,
    );
  }
  if (legA) startSessionTimerA(call);
}

/** Leg a's timer, when the caller asked for one (before our 2xx, which carries its headers). */
export function startSessionTimerA(call: Call): void {
  const a = parseSessionExpires(call.tx.request);
  if (a && supportsTimer(call.tx.request) && call.aDialog) {
    call.aTimer = new SessionTimer(call, 'a', call.aDialog, a.intervalS, false, false);
  }
}
