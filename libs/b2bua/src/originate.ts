// `sbc.originate` (callbacks): the SBC calls the agent first, then the customer, and joins them.
// The media session is made before either answers, from a stand-in offer for leg a (our own
// address, port 9, both G.711 laws): the agent is leg b and gets an ordinary offer (SRTP towards
// Teams). Once the agent answers, the customer is offered our leg-a media as it is — the way a
// transfer replaces leg a — and its answer becomes leg a's SDP.
import type { TenantConfig } from '@ccx/sbc-policy';
import {
  bodyText,
  createRequest,
  newCallId,
  newTag,
  textBody,
  type ReceivedMessage,
  type ServerTransaction,
  type SipMessage,
} from '@ccx/sip';
import { answeredCodec, Call } from './call';
import type { CallContext } from './call-context';
import { uriOf, type Dialog } from './dialog';
import type { ConnectTarget } from './policy-port';
import { Q850 } from './q850';
import { startSessionTimers } from './session-timer';

export interface OriginateRequest {
  callId: string;
  requestId: string;
  first: ConnectTarget;
  then: ConnectTarget;
  callerId?: string;
  timeoutSeconds?: number;
}

const label = (t: ConnectTarget): string => (t.kind === 'sip-uri' ? t.uri : t.number);

/** Leg a's stand-in offer until the customer answers (port 9: nothing listens there). */
const STAND_IN_SDP = [
  'v=0',
  'o=ccx 0 0 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 9 RTP/AVP 8 0 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');

/**
 * Leg a's "INVITE transaction" of a call we place ourselves: nothing was received and nothing is
 * answered through it (its state is terminated, so the call sends no response on it).
 */
function standIn(callId: string, calling: string, called: string): ServerTransaction {
  const request = createRequest({
    method: 'INVITE',
    uri: uriOf(called.startsWith('sip') ? called : `sip:${called}@originate.invalid`),
    headers: [
      ['From', `<sip:${calling}@originate.invalid>;tag=${newTag()}`],
      ['To', `<sip:${called.replace(/^sips?:/, '')}>`],
      ['Call-ID', newCallId()],
      ['CSeq', '1 INVITE'],
    ],
    body: textBody(STAND_IN_SDP),
    contentType: 'application/sdp',
  });
  const source = { protocol: 'udp' as const, host: '127.0.0.1', port: 5060 };
  const received: ReceivedMessage = { message: request, source, local: source, bytes: 0 };
  return {
    id: `originate-${callId}`,
    request,
    received,
    state: 'terminated',
    respond: () => undefined,
  };
}

/** Starts an originated call; the caller of this registers the returned call by its id. */
export function originate(
  ctx: CallContext,
  tenant: TenantConfig,
  req: OriginateRequest,
): { accepted: true; call: Call } | { accepted: false; reason: string } {
  const callerId = req.callerId ?? tenant.numberRanges.find((r) => r.purpose === 'queue')?.first;
  if (!callerId) return { accepted: false, reason: 'no callerId and no queue number to show' };
  const destinations = ctx.policy.destinationsFor(tenant, req.first);
  if (destinations.length === 0) return { accepted: false, reason: 'no destination for first' };
  if (ctx.policy.destinationsFor(tenant, req.then).length === 0)
    return { accepted: false, reason: 'no destination for then' };
  const kbps = ctx.policy.callKbps({ ptimeMs: 20, ipVersion: 4, srtp: false });
  const admitted = ctx.policy.admit({ tenant, kbps });
  if (!admitted.ok) return { accepted: false, reason: `tenant at its ${admitted.limit} limit` };
  const called = label(req.then);
  const call = new Call(ctx, {
    id: req.callId,
    tx: standIn(req.callId, callerId, called),
    ingress: { kind: 'originated', tenant },
    tenant,
    direction: 'outbound',
    calling: callerId,
    called,
    callingRewritten: true,
    destinations,
    holdForRouting: false,
    kbps,
    releases: [admitted.release],
    origin: {
      phase: 'first',
      then: req.then,
      requestId: req.requestId,
      ...(req.timeoutSeconds !== undefined ? { timeoutSeconds: req.timeoutSeconds } : {}),
    },
  });
  return { accepted: true, call };
}

/** The agent (leg b) answered: now the customer is called with our leg-a media. */
export async function agentAnswered(
  call: Call,
  dialog: Dialog,
  response: SipMessage,
): Promise<void> {
  call.routing.done();
  call.bDialog = dialog;
  call.ctx.register(dialog, call, 'b');
  try {
    const answer = await call.ctx.media.answer({
      tenantId: call.tenant.id,
      callId: call.id,
      toTag: dialog.remoteTag,
      sdp: bodyText(response),
    });
    call.aLocalSdp = answer.sdp;
    call.transcoded = answer.transcoding;
  } catch (err) {
    call.ctx.log.warn({ callId: call.id, err: String(err) }, 'agent media refused');
    call.bye('b', Q850.bearerNotAvailable);
    call.finish('failed', 488, Q850.bearerNotAvailable, 'system');
    return;
  }
  const origin = call.origin;
  if (call.isEnded() || !origin) {
    call.bye('b', Q850.normalClearing);
    return;
  }
  call.state = 'answered';
  call.attempt = undefined;
  startSessionTimers(call, dialog, response, false);
  origin.phase = 'then';
  const destinations = call.ctx.policy.destinationsFor(call.tenant, origin.then);
  if (destinations.length === 0) {
    call.bye('b', Q850.normalUnspecified);
    call.finish('failed', undefined, Q850.normalUnspecified, 'system');
    return;
  }
  call.releaseEgress();
  call.routing.begin({ requestId: origin.requestId });
  call.route(destinations);
}

/** The customer answered our leg-a media: its SDP is leg a's from now on. */
export async function customerAnswered(
  call: Call,
  dialog: Dialog,
  response: SipMessage,
): Promise<void> {
  call.routing.done();
  const sdp = bodyText(response);
  try {
    await call.ctx.media.offer({
      tenantId: call.tenant.id,
      callId: call.id,
      fromTag: dialog.remoteTag,
      sdp,
      bProfile: call.bProfile ?? 'RTP/AVP',
    });
  } catch (err) {
    call.ctx.log.warn({ callId: call.id, err: String(err) }, 'customer media refused');
    call.byeDialog(dialog);
    call.bye('b', Q850.bearerNotAvailable);
    call.finish('failed', 488, Q850.bearerNotAvailable, 'system');
    return;
  }
  if (call.isEnded()) {
    call.byeDialog(dialog);
    return;
  }
  call.aOfferSdp = sdp;
  call.aDialog = dialog;
  call.ctx.register(dialog, call, 'a');
  call.egress = call.attempt?.name ?? call.egress;
  call.attempt = undefined;
  call.codec = answeredCodec(call.aLocalSdp ?? '');
  call.answeredAt = call.ctx.now();
  call.emitCall('call.answered', { ...(call.codec ? { codec: call.codec } : {}) });
}
