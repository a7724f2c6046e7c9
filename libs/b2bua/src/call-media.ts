// Commands from routing that act on a call's media: answer the caller ourselves (so prompts can
// play and DTMF be heard before an agent is connected), play a prompt to the caller, record.
import { fromTag as fromTagOf } from '@ccx/sip';
import { answeredCodec, type Call } from './call';
import { startSessionTimerA } from './session-timer';

/**
 * `sbc.answer`: 200 OK to leg a with the SDP of a media session that has no leg b yet. Nothing
 * is published (`call.answered` means a person answered; it comes when a connected agent does).
 */
export async function answerLocally(call: Call): Promise<{ answered: boolean; reason?: string }> {
  if (!call.routing.held || call.state !== 'waiting') {
    return {
      answered: false,
      reason: call.answeredLocally ? 'call is already answered' : `call is ${call.state}`,
    };
  }
  call.state = 'setup';
  call.mediaProfile = 'RTP/AVP';
  let aSdp: string | undefined;
  try {
    const offer = await call.ctx.media.offer({
      tenantId: call.tenant.id,
      callId: call.id,
      fromTag: fromTagOf(call.tx.request) ?? 'a',
      sdp: call.aOfferSdp,
      bProfile: 'RTP/AVP',
      answerA: true,
    });
    call.mediaWorkerId = offer.workerId;
    call.bLocalSdp = offer.sdp;
    aSdp = offer.aSdp;
    if (aSdp === undefined) throw new Error('the media worker did not answer leg a');
  } catch (err) {
    call.ctx.log.warn({ callId: call.id, err: String(err) }, 'local answer failed');
    if (call.isEnded()) return { answered: false, reason: 'call ended' };
    call.state = 'waiting';
    call.routing.armHoldTimer();
    return { answered: false, reason: `media: ${String(err)}` };
  }
  if (call.isEnded()) return { answered: false, reason: 'call ended' };
  call.aLocalSdp = aSdp;
  call.codec = answeredCodec(aSdp);
  call.answeredLocally = true;
  call.state = 'answered';
  call.answeredAt = call.ctx.now();
  call.confirmA();
  startSessionTimerA(call);
  call.sendOk();
  call.routing.armHoldTimer();
  return { answered: true };
}

/** Leg a hears us: answered by us, or connected. */
function hasMedia(call: Call): string | undefined {
  if (call.state !== 'answered' || !call.mediaProfile) return 'call is not answered';
  return undefined;
}

/** `sbc.play`: a prompt into leg a; `media.prompt-ended` / `media.dtmf-detected` follow. */
export async function playPrompt(
  call: Call,
  prompt: string,
  bargeIn: boolean,
): Promise<{ playing: boolean; durationMs: number }> {
  const why = hasMedia(call);
  if (why) throw new Error(why);
  if (call.routing.held) call.routing.armHoldTimer();
  return call.ctx.media.play({ tenantId: call.tenant.id, callId: call.id, prompt, bargeIn });
}

/** `sbc.record`: start or stop recording; the media session's end stops it too. */
export async function recordCall(
  call: Call,
  action: 'start' | 'stop',
): Promise<{ recording: boolean; file?: string }> {
  const why = hasMedia(call);
  if (why) throw new Error(why);
  if (call.routing.held) call.routing.armHoldTimer();
  const result = await call.ctx.media.record({ tenantId: call.tenant.id, callId: call.id, action });
  call.recording = result.recording;
  return result;
}
