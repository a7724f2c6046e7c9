// Attended transfer inside the SBC: the transferor (an agent) has call X with the customer and a
// consultation call Y with the target. Completing the transfer joins X's leg a (the customer) to
// Y's leg b (the target) and releases the transferor's two legs.
//
// Media: X's session keeps the customer where it is; the target is re-INVITEd with a fresh offer
// from X's session (its leg b ports), so both parties meet in one relay session. Y's media session
// is deleted. Used by `sbc.transfer` (attended) and by a REFER whose Refer-To carries Replaces
// naming the consultation call's dialog on this SBC.
import { bodyText, textBody } from '@ccx/sip';
import type { Call } from './call';
import type { Dialog } from './dialog';
import { SDP } from './call-context';
import { Q850 } from './q850';

/** Y's leg b (the target) becomes X's leg b; X's old leg b (the transferor) is released. */
function handOver(y: Call, x: Call, target: Dialog, releaseTransferor: 'bye' | 'await-bye'): void {
  y.ctx.unregister(target);
  y.bDialog = undefined;
  y.bTimer?.stop();
  y.bTimer = undefined;
  const old = x.bDialog;
  if (old && releaseTransferor === 'bye') {
    x.ctx.unregister(old);
    x.byeDialog(old);
  } else if (old) x.releaseLater(old);
  x.bTimer?.stop();
  x.bTimer = undefined;
  x.bDialog = target;
  x.ctx.register(target, x, 'b');
}

export type MergeResult = { ok: true } | { ok: false; status: number; reason: string };

/** `releaseTransferor`: BYE the transferor's leg of X now (command), or await its BYE (REFER). */
export async function mergeCalls(
  x: Call,
  y: Call,
  releaseTransferor: 'bye' | 'await-bye',
): Promise<MergeResult> {
  const target = y.bDialog;
  const transferorY = y.aDialog;
  if (
    x === y ||
    x.state !== 'answered' ||
    y.state !== 'answered' ||
    !target ||
    !x.bDialog ||
    !transferorY
  ) {
    return { ok: false, status: 481, reason: 'both calls must be answered on this SBC' };
  }
  if (x.tenant.id !== y.tenant.id)
    return { ok: false, status: 403, reason: 'calls of different tenants' };
  const { ctx } = x;
  let offer: string;
  try {
    offer = (
      await ctx.media.offer({
        tenantId: x.tenant.id,
        callId: x.id,
        fromTag: x.aDialog?.remoteTag ?? 'a',
        sdp: x.aOfferSdp,
        bProfile: y.bProfile ?? 'RTP/AVP',
      })
    ).sdp;
  } catch (err) {
    return { ok: false, status: 488, reason: `media re-offer refused: ${String(err)}` };
  }
  const answer = await new Promise<string | undefined>((resolve) => {
    const reinvite = target.request('INVITE', { body: textBody(offer), contentType: SDP });
    ctx.sip.send(reinvite, target.target, {
      onResponse: (res) => {
        if (res.startLine.type !== 'response' || res.startLine.status < 200) return;
        if (res.startLine.status >= 300) return resolve(undefined);
        void ctx.sip.ack(target.request('ACK', { seq: target.localSeq }), target.target);
        target.refreshTarget(res);
        resolve(bodyText(res));
      },
      onTimeout: () => resolve(undefined),
      onTransportError: () => resolve(undefined),
    });
  });
  if (!answer)
    return { ok: false, status: 480, reason: 'the transfer target did not take the new media' };
  try {
    const a = await ctx.media.answer({
      tenantId: x.tenant.id,
      callId: x.id,
      toTag: target.remoteTag,
      sdp: answer,
    });
    x.aLocalSdp = a.sdp;
    x.transcoded = a.transcoding;
  } catch (err) {
    return { ok: false, status: 488, reason: `target answer refused: ${String(err)}` };
  }
  // The target's dialog now belongs to X; the transferor's legs are released.
  x.bLocalSdp = offer;
  handOver(y, x, target, releaseTransferor);
  y.bye('a', Q850.normalClearing);
  y.finish('transferred', undefined, Q850.normalClearing, 'system');
  return { ok: true };
}
