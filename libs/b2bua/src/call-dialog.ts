// Requests inside an established call: BYE, re-INVITE and UPDATE (hold, resume, session refresh),
// REFER from leg b (transfer with NOTIFY sipfrag), and anything else relayed to the other side.
import {
  bodyText,
  createResponse,
  headerValue,
  methodOf,
  textBody,
  type ServerTransaction,
  type SipMessage,
} from '@ccx/sip';
import { bumpSdpVersion, type Call } from './call';
import { ALLOW, SDP } from './call-context';
import type { Dialog } from './dialog';
import { Q850 } from './q850';
import { transfer } from './transfer';

export type Side = 'a' | 'b';

export function handleInDialog(
  call: Call,
  side: Side,
  dialog: Dialog,
  tx: ServerTransaction,
): void {
  const request = tx.request;
  const method = methodOf(request);
  if (!dialog.acceptRemoteSeq(request)) {
    tx.respond(
      createResponse(request, 500, {
        reason: 'CSeq out of order',
        headers: [['Retry-After', '1']],
      }),
    );
    return;
  }
  switch (method) {
    case 'BYE':
      tx.respond(createResponse(request, 200));
      if (call.replaced(dialog)) return; // the transferor leaving after a transfer
      call.hangup(Q850.normalClearing, side === 'a' ? 'caller' : 'callee', side);
      return;
    case 'INVITE':
    case 'UPDATE':
      call.sessionRefreshed(side);
      void offer(call, side, dialog, tx, method);
      return;
    case 'OPTIONS':
      tx.respond(createResponse(request, 200, { headers: [['Allow', ALLOW]] }));
      return;
    case 'REFER':
      transfer(call, dialog, tx, side);
      return;
    case 'PRACK':
      tx.respond(createResponse(request, 200));
      return;
    default:
      relay(call, side, tx);
  }
}

/** INFO, MESSAGE, NOTIFY…: sent on to the other side, its final status relayed back. */
function relay(call: Call, side: Side, tx: ServerTransaction): void {
  const other = side === 'a' ? call.bDialog : call.aDialog;
  const request = tx.request;
  if (!other || call.state !== 'answered') {
    tx.respond(createResponse(request, 481));
    return;
  }
  const contentType = headerValue(request, 'Content-Type');
  const passed: [string, string][] = [];
  for (const name of ['Event', 'Subscription-State', 'Info-Package']) {
    const v = headerValue(request, name);
    if (v) passed.push([name, v]);
  }
  const out = other.request(methodOf(request), {
    headers: passed,
    ...(request.body.length ? { body: request.body } : {}),
    ...(contentType ? { contentType } : {}),
  });
  call.ctx.sip.send(out, other.target, {
    onResponse: (res) => {
      if (res.startLine.type === 'response' && res.startLine.status >= 200) {
        tx.respond(createResponse(request, res.startLine.status, { reason: res.startLine.reason }));
      }
    },
    onTimeout: () => tx.respond(createResponse(request, 408)),
    onTransportError: () => tx.respond(createResponse(request, 503)),
  });
}

const direction = (sdp: string): string =>
  /a=(inactive|sendonly|recvonly|sendrecv)/.exec(sdp.split('m=audio')[1] ?? sdp)?.[1] ?? 'sendrecv';

/**
 * re-INVITE / UPDATE. From leg a with SDP: re-offered through the media worker and on to leg b, its
 * answer back to a. Without SDP (a session refresh): answered here with our current SDP. From leg b
 * with SDP: answered here at once with our SDP for b, its direction mirrored, and passed on to leg
 * a in a re-INVITE of our own (b's new SDP through the media worker), so a Teams user's hold
 * reaches the caller.
 */
async function offer(
  call: Call,
  side: Side,
  dialog: Dialog,
  tx: ServerTransaction,
  method: string,
): Promise<void> {
  const request = tx.request;
  dialog.refreshTarget(request);
  const sdp = request.body.length > 0 ? bodyText(request) : undefined;
  if (sdp) noteHold(call, side, sdp);
  if (!sdp || side === 'b' || !call.bDialog || call.state !== 'answered') {
    const ours = side === 'a' ? call.aLocalSdp : call.bLocalSdp;
    const answer = ours
      ? mirror(bumpSdpVersion(ours), sdp ? direction(sdp) : 'sendrecv')
      : undefined;
    if (answer) {
      if (side === 'a') call.aLocalSdp = answer;
      else call.bLocalSdp = answer;
    }
    tx.respond(okWith(call, request, answer));
    if (sdp && side === 'b' && method === 'INVITE' && call.state === 'answered')
      void passToA(call, sdp);
    return;
  }
  try {
    call.aOfferSdp = sdp;
    const reoffer = await call.ctx.media.offer({
      tenantId: call.tenant.id,
      callId: call.id,
      fromTag: dialog.remoteTag,
      sdp,
      bProfile: call.bProfile ?? 'RTP/AVP',
    });
    call.bLocalSdp = reoffer.sdp;
    const b = call.bDialog;
    const out = b.request(method, { body: textBody(reoffer.sdp), contentType: SDP });
    call.ctx.sip.send(out, b.target, {
      onResponse: (res) => {
        if (res.startLine.type !== 'response' || res.startLine.status < 200) return;
        const status = res.startLine.status;
        if (method === 'INVITE' && status < 300)
          void call.ctx.sip.ack(b.request('ACK', { seq: b.localSeq }), b.target);
        if (status >= 300) {
          tx.respond(createResponse(request, status, { reason: res.startLine.reason }));
          return;
        }
        b.refreshTarget(res);
        void call.ctx.media
          .answer({
            tenantId: call.tenant.id,
            callId: call.id,
            toTag: b.remoteTag,
            sdp: bodyText(res),
          })
          .then((a) => {
            call.aLocalSdp = a.sdp;
            tx.respond(okWith(call, request, a.sdp));
          })
          .catch(() => tx.respond(createResponse(request, 488)));
      },
      onTimeout: () => tx.respond(createResponse(request, 408)),
      onTransportError: () => tx.respond(createResponse(request, 503)),
    });
  } catch (err) {
    call.ctx.log.warn({ callId: call.id, err: String(err) }, 're-offer refused');
    tx.respond(createResponse(request, 488));
  }
}

/** Leg b changed its media (hold, resume, new address): re-INVITE leg a with what the worker makes of it. */
async function passToA(call: Call, bSdp: string): Promise<void> {
  const a = call.aDialog;
  const b = call.bDialog;
  if (!a || !b) return;
  let offer: string;
  try {
    offer = (
      await call.ctx.media.answer({
        tenantId: call.tenant.id,
        callId: call.id,
        toTag: b.remoteTag,
        sdp: bSdp,
      })
    ).sdp;
  } catch (err) {
    call.ctx.log.warn({ callId: call.id, err: String(err) }, 'hold from leg b not passed on');
    return;
  }
  call.aLocalSdp = offer;
  const reinvite = a.request('INVITE', {
    body: textBody(offer),
    contentType: SDP,
    headers: call.sessionHeaders().slice(0, 1),
  });
  call.ctx.sip.send(reinvite, a.target, {
    onResponse: (res) => {
      if (res.startLine.type !== 'response' || res.startLine.status < 200) return;
      if (res.startLine.status >= 300) return;
      void call.ctx.sip.ack(a.request('ACK', { seq: a.localSeq }), a.target);
      a.refreshTarget(res);
      if (res.body.length === 0) return;
      call.aOfferSdp = bodyText(res);
      void call.ctx.media
        .offer({
          tenantId: call.tenant.id,
          callId: call.id,
          fromTag: a.remoteTag,
          sdp: bodyText(res),
          bProfile: call.bProfile ?? 'RTP/AVP',
        })
        .catch((err: unknown) =>
          call.ctx.log.warn({ callId: call.id, err: String(err) }, "leg a's answer not applied"),
        );
    },
    onTimeout: () => undefined,
    onTransportError: () => undefined,
  });
}

function okWith(call: Call, request: SipMessage, sdp: string | undefined): SipMessage {
  return createResponse(request, 200, {
    headers: [
      ['Contact', contactFor(call, request)],
      ['Allow', ALLOW],
      ...(headerValue(request, 'Session-Expires') &&
      call.aDialog?.callId === headerValue(request, 'Call-ID')
        ? call.sessionHeaders()
        : []),
    ],
    ...(sdp ? { body: textBody(sdp), contentType: SDP } : {}),
  });
}

function contactFor(call: Call, request: SipMessage): string {
  const callId = headerValue(request, 'Call-ID');
  if (call.bDialog && callId === call.bDialog.callId) return call.bDialog.contact;
  return call.aDialog?.contact ?? call.aContact();
}

function noteHold(call: Call, side: Side, sdp: string): void {
  const dir = direction(sdp);
  const held = dir === 'inactive' || dir === 'sendonly';
  const by = side === 'a' ? 'caller' : 'callee';
  if (held !== call.heldBy.has(side)) {
    if (held) call.heldBy.add(side);
    else call.heldBy.delete(side);
    call.ctx.events.emit(held ? 'call.held' : 'call.resumed', call.tenant.id, call.id, { by });
  }
}

const MIRROR: Record<string, string> = {
  sendonly: 'recvonly',
  recvonly: 'sendonly',
  inactive: 'inactive',
  sendrecv: 'sendrecv',
};

function mirror(sdp: string, theirs: string): string {
  const ours = MIRROR[theirs] ?? 'sendrecv';
  return /a=(inactive|sendonly|recvonly|sendrecv)/.test(sdp)
    ? sdp.replace(/a=(inactive|sendonly|recvonly|sendrecv)/, `a=${ours}`)
    : sdp.replace(/\r\n$/, `\r\na=${ours}\r\n`);
}
