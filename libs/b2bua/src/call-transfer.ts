// One transfer of a call in progress: a REFER (from either leg) or a blind `sbc.transfer`. The
// call's attempts go to the target while this is set; the outcome is reported to the transferor
// (NOTIFY sipfrag) and, on success, the target's dialog replaces the referrer's leg.
import { bodyText, type SipMessage } from '@ccx/sip';
import type { Call } from './call';
import type { Dialog } from './dialog';

export class CallTransfer {
  /** Added to the target's INVITE: Replaces for an attended transfer passed on. */
  readonly headers: [string, string][];

  constructor(
    private readonly call: Call,
    /** The leg being replaced: b for a REFER from leg b, a for a REFER from leg a. */
    readonly side: 'a' | 'b',
    private readonly old: Dialog,
    readonly report: (status: number, reason: string) => void,
    replaces: string | undefined,
    /** Release the old leg with BYE at once (command), or wait for the transferor's BYE (REFER). */
    private readonly byeOldNow: boolean,
  ) {
    this.headers = replaces ? [['Replaces', replaces]] : [];
  }

  failed(status: number): void {
    this.call.endTransfer();
    this.report(status, status === 487 ? 'Request Terminated' : 'Transfer failed');
  }

  /** The target answered: its media joins the session and its dialog becomes the new leg. */
  async answered(dialog: Dialog, response: SipMessage): Promise<void> {
    const { call } = this;
    const sdp = bodyText(response);
    try {
      if (this.side === 'b') {
        const answer = await call.ctx.media.answer({
          tenantId: call.tenant.id,
          callId: call.id,
          toTag: dialog.remoteTag,
          sdp,
        });
        call.aLocalSdp = answer.sdp;
        call.transcoded = answer.transcoding;
      } else {
        // The target answered the offer of our leg-a media: it is leg a's new party.
        await call.ctx.media.offer({
          tenantId: call.tenant.id,
          callId: call.id,
          fromTag: dialog.remoteTag,
          sdp,
          bProfile: call.bProfile ?? 'RTP/AVP',
        });
        call.aOfferSdp = sdp;
      }
    } catch (err) {
      call.ctx.log.warn({ callId: call.id, err: String(err) }, 'transfer target media refused');
      call.byeDialog(dialog);
      return this.failed(488);
    }
    call.endTransfer();
    if (this.side === 'b') {
      call.bDialog = dialog;
      call.egress = call.attempt?.name ?? call.egress;
    } else {
      call.aDialog = dialog;
      call.aTimer?.stop();
      call.aTimer = undefined;
    }
    call.ctx.register(dialog, call, this.side);
    this.report(200, 'OK');
    if (this.byeOldNow) {
      call.ctx.unregister(this.old);
      call.byeDialog(this.old);
    } else call.releaseLater(this.old);
  }
}
