// REFER (RFC 3515) from leg b (a Teams user transferring the caller) or leg a (a Teams user
// transferring the callee): 202, then a new leg towards the Refer-To target replacing the referrer's
// leg, with the kept party's media, progress reported to the transferor in NOTIFY sipfrag
// (RFC 3420), and the old leg b released when the new one answers. Refer-To with Replaces (an
// attended transfer, RFC 3891) passes the Replaces header on to the new INVITE.
import { createResponse, getHeader, textBody, type ServerTransaction } from '@ccx/sip';
import type { Call } from './call';
import type { Dialog } from './dialog';
import { mergeCalls } from './merge';
import type { ConnectTarget } from './policy-port';

/** `Replaces: <call-id>;to-tag=..;from-tag=..` naming another answered call's Teams-side dialog here. */
function consultation(call: Call, replaces: string): Call | undefined {
  const [callId = '', ...params] = replaces.split(';');
  const tags = params
    .map((p) => /^\s*(?:to|from)-tag=(.*)$/i.exec(p)?.[1])
    .filter((t): t is string => t !== undefined);
  for (const tag of tags) {
    const hit = call.ctx.findDialog(callId.trim(), tag);
    if (hit && hit.call !== call && hit.side === 'a') return hit.call;
  }
  return undefined;
}

export function transfer(
  call: Call,
  referrer: Dialog,
  tx: ServerTransaction,
  side: 'a' | 'b',
): void {
  const request = tx.request;
  const header = getHeader(request, 'Refer-To');
  const referTo = header?.parsed?.kind === 'name-addr' ? header.parsed.addr.uri : undefined;
  if (!referTo || !('host' in referTo) || call.state !== 'answered') {
    tx.respond(
      createResponse(request, referTo ? 481 : 400, {
        reason: referTo ? undefined : 'Refer-To missing or not a SIP URI',
      } as never),
    );
    return;
  }
  const user = referTo.user ?? '';
  const replaces = referTo.headers['Replaces'] ?? referTo.headers['replaces'];
  const target: ConnectTarget = call.ctx.policy.isTeamsHost(referTo.host)
    ? { kind: 'teams-user', number: user }
    : /^\+[1-9][0-9]{1,14}$/.test(user)
      ? { kind: 'number', number: user }
      : {
          kind: 'sip-uri',
          uri: `sip:${user ? `${user}@` : ''}${referTo.host}${referTo.port ? `:${referTo.port}` : ''}`,
        };
  const destinations = call.ctx.policy.destinationsFor(call.tenant, target);
  if (destinations.length === 0) {
    tx.respond(createResponse(request, 403, { reason: 'No route to the transfer target' }));
    return;
  }
  tx.respond(createResponse(request, 202, { headers: [['Contact', referrer.contact]] }));
  // NOTIFYs go one at a time (RFC 6665 4.2.2: the next only after the previous one's response),
  // so the referrer sees 100, 18x, then the final sipfrag, in that order. Repeated progress that
  // is still queued is replaced by the newest; nothing follows the final one.
  const queue: { status: number; reason: string; final: boolean }[] = [];
  let busy = false;
  let ended = false;
  const sendNext = (): void => {
    const next = queue.shift();
    if (!next) {
      busy = false;
      return;
    }
    busy = true;
    const n = referrer.request('NOTIFY', {
      headers: [
        ['Event', 'refer'],
        ['Subscription-State', next.final ? 'terminated;reason=noresource' : 'active;expires=60'],
      ],
      body: textBody(`SIP/2.0 ${next.status} ${next.reason}\r\n`),
      contentType: 'message/sipfrag;version=2.0',
    });
    call.ctx.sip.send(n, referrer.target, {
      onResponse: (res) => {
        if (res.startLine.type === 'response' && res.startLine.status >= 200) sendNext();
      },
      onTimeout: sendNext,
      onTransportError: sendNext,
    });
  };
  const notify = (status: number, reason: string, final: boolean) => {
    if (ended) return;
    ended = final;
    const last = queue.at(-1);
    if (last && !last.final && !final) queue.pop();
    queue.push({ status, reason, final });
    if (!busy) sendNext();
  };
  notify(100, 'Trying', false);
  const consult = replaces && side === 'b' ? consultation(call, replaces) : undefined;
  if (consult) {
    // Attended transfer onto another call of ours: join instead of calling out (RFC 3891 matching).
    void mergeCalls(call, consult, 'await-bye').then((r) => {
      notify(r.ok ? 200 : r.status, r.ok ? 'OK' : r.reason, true);
      if (r.ok) {
        call.ctx.events.emit('call.transferred', call.tenant.id, call.id, {
          target: {
            uri: `tel:${consult.called}`,
            ...(consult.called.startsWith('+') ? { number: consult.called } : {}),
          },
          kind: 'attended',
        });
      }
    });
    return;
  }
  call.startTransfer(
    destinations,
    replaces,
    (status, reason) => {
      notify(status, reason, status >= 200);
      if (status >= 200 && status < 300) {
        call.ctx.events.emit('call.transferred', call.tenant.id, call.id, {
          target: {
            uri: `sip:${user}@${referTo.host}`,
            ...(user.startsWith('+') ? { number: user } : {}),
          },
          kind: replaces ? 'attended' : 'blind',
        });
      }
    },
    false,
    side,
  );
}
