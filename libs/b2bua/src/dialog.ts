// One side of a B2BUA call as a SIP dialog (RFC 3261 section 12): identifiers, sequence numbers,
// remote target and route set, and the in-dialog requests built from them.
import {
  cseqOf,
  createRequest,
  formatNameAddr,
  getHeaders,
  nameAddr,
  parseUri,
  type NameAddr,
  type SendTarget,
  type SipMessage,
  type Uri,
} from '@ccx/sip';

export interface DialogInit {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our From (UAC) / To (UAS) address, with our tag. */
  local: NameAddr;
  remote: NameAddr;
  localSeq: number;
  remoteSeq: number;
  remoteTarget: Uri;
  routeSet: string[];
  /** Our Contact value for this dialog. */
  contact: string;
  /** Where in-dialog requests go (the peer's transport address; connection reused when set). */
  target: SendTarget;
}

export class Dialog {
  readonly callId: string;
  readonly localTag: string;
  remoteTag: string;
  local: NameAddr;
  remote: NameAddr;
  localSeq: number;
  remoteSeq: number;
  remoteTarget: Uri;
  routeSet: string[];
  contact: string;
  target: SendTarget;

  constructor(init: DialogInit) {
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.local = init.local;
    this.remote = init.remote;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.contact = init.contact;
    this.target = init.target;
  }

  /** The UAS side of a dialog from the request that created it (RFC 3261 12.1.1). */
  static asUas(
    request: SipMessage,
    localTag: string,
    contact: string,
    target: SendTarget,
  ): Dialog | undefined {
    const from = nameAddr(request, 'From');
    const to = nameAddr(request, 'To');
    const cseq = cseqOf(request);
    const remoteTarget = nameAddr(request, 'Contact')?.uri;
    if (!from || !to || !cseq || !remoteTarget) return undefined;
    return new Dialog({
      callId: headerCallId(request),
      localTag,
      remoteTag: from.params['tag'] ?? '',
      local: { ...to, params: { ...to.params, tag: localTag } },
      remote: from,
      localSeq: Math.floor(Math.random() * 10_000) + 1,
      remoteSeq: cseq.seq,
      remoteTarget,
      routeSet: getHeaders(request, 'Record-Route').map((h) => h.value),
      contact,
      target,
    });
  }

  /** The UAC side once a response with a To tag arrives (RFC 3261 12.1.2); route set reversed. */
  static asUac(
    request: SipMessage,
    response: SipMessage,
    contact: string,
    target: SendTarget,
  ): Dialog | undefined {
    const from = nameAddr(request, 'From');
    const to = nameAddr(response, 'To');
    const cseq = cseqOf(request);
    const remoteTag = to?.params['tag'];
    if (!from || !to || !cseq || !remoteTag) return undefined;
    const remoteTarget = nameAddr(response, 'Contact')?.uri ?? to.uri;
    return new Dialog({
      callId: headerCallId(request),
      localTag: from.params['tag'] ?? '',
      remoteTag,
      local: from,
      remote: to,
      localSeq: cseq.seq,
      remoteSeq: 0,
      remoteTarget,
      routeSet: getHeaders(response, 'Record-Route')
        .map((h) => h.value)
        .reverse(),
      contact,
      target,
    });
  }

  /** Refresh the remote target from a target-refresh request or its 2xx (re-INVITE, UPDATE). */
  refreshTarget(message: SipMessage): void {
    const contact = nameAddr(message, 'Contact')?.uri;
    if (contact) this.remoteTarget = contact;
  }

  /**
   * Checks an incoming in-dialog request's CSeq (RFC 3261 12.2.2): lower than the last one is out
   * of order (500). Returns false for such a request.
   */
  acceptRemoteSeq(request: SipMessage): boolean {
    const seq = cseqOf(request)?.seq ?? 0;
    if (this.remoteSeq !== 0 && seq < this.remoteSeq) return false;
    this.remoteSeq = seq;
    return true;
  }

  /**
   * A request inside the dialog (RFC 3261 12.2.1.1) without Via (the sender adds it). ACK and CANCEL
   * reuse a CSeq number given by the caller; everything else takes the next one.
   */
  request(
    method: string,
    options: {
      seq?: number;
      headers?: [string, string][];
      body?: Uint8Array;
      contentType?: string;
    } = {},
  ): SipMessage {
    const seq = options.seq ?? ++this.localSeq;
    const routes = this.routeSet;
    // Loose routing (;lr) is all we meet today; a strict first route would replace the Request-URI.
    const headers: [string, string][] = [
      ['Max-Forwards', '70'],
      ['From', formatNameAddr(this.local)],
      ['To', formatNameAddr(this.remote)],
      ['Call-ID', this.callId],
      ['CSeq', `${seq} ${method}`],
      ...routes.map((r): [string, string] => ['Route', r]),
    ];
    if (method !== 'ACK' && method !== 'CANCEL') headers.push(['Contact', this.contact]);
    headers.push(...(options.headers ?? []));
    return createRequest({
      method,
      uri: this.remoteTarget,
      headers,
      ...(options.body ? { body: options.body } : {}),
      ...(options.contentType ? { contentType: options.contentType } : {}),
    });
  }
}

function headerCallId(message: SipMessage): string {
  return message.headers.find((h) => h.name === 'Call-ID')?.value ?? '';
}

/** A URI string to Uri, for Request-URIs built from configuration (throws on our own bad input). */
export function uriOf(text: string): Uri {
  const parsed = parseUri(text);
  if (!parsed.ok) throw new Error(`bad URI ${text}: ${parsed.reason}`);
  return parsed.value;
}
