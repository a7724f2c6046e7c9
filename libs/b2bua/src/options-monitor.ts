// OPTIONS keep-alive to every SIP peer (trunks and Teams proxies), as Direct Routing expects about
// once a minute. Any 2xx/4xx answer means the peer is up (a 503 means up but refusing: degraded);
// `downAfter` unanswered pings in a row demote it to down. A down peer is still pinged and is
// promoted again on its next answer. State changes are reported (the app publishes them).
import type { PeerHealth, PeerState } from '@ccx/sbc-policy';
import { createRequest, newCallId, newTag, type TransportProtocol } from '@ccx/sip';
import { uriOf } from './dialog';
import type { TargetResolver } from './policy-port';
import type { B2buaLogger } from './ports';
import { SipOut, contactUri } from './sip-out';

export interface MonitoredPeer {
  key: string;
  /** For events: trunk id or `teams:<host>`, and the tenant (or `*` for shared Teams proxies). */
  tenantId: string;
  host: string;
  port: number;
  protocol: TransportProtocol;
  address?: string;
  /** Host for our Contact (Teams: the carrier base domain FQDN). */
  contactHost?: string;
}

export interface PeerStatus {
  state: PeerState;
  missed: number;
  lastStatus?: number;
  lastRttMs?: number;
  changedAt: number;
}

export type PeerChange = {
  peer: MonitoredPeer;
  state: PeerState;
  previous: PeerState;
  detail: string;
};

export class OptionsMonitor implements PeerHealth {
  private peers = new Map<string, MonitoredPeer>();
  private status = new Map<string, PeerStatus>();
  private timer?: NodeJS.Timeout;
  private seq = 1;

  constructor(
    private readonly sip: SipOut,
    private readonly resolver: TargetResolver,
    private readonly options: {
      intervalMs: number;
      downAfter: number;
      onChange: (change: PeerChange) => void;
      log: B2buaLogger;
      now?: () => number;
    },
  ) {}

  state(peer: string): PeerState {
    return this.status.get(peer)?.state ?? 'up';
  }

  snapshot(): { key: string; host: string; port: number; protocol: string; status: PeerStatus }[] {
    return [...this.peers.values()].map((p) => ({
      key: p.key,
      host: p.host,
      port: p.port,
      protocol: p.protocol,
      status: this.status.get(p.key) ?? { state: 'up', missed: 0, changedAt: 0 },
    }));
  }

  /** Replace the peer list (configuration changed); known peers keep their state. */
  setPeers(peers: MonitoredPeer[]): void {
    this.peers = new Map(peers.map((p) => [p.key, p]));
    for (const k of [...this.status.keys()]) if (!this.peers.has(k)) this.status.delete(k);
  }

  start(): void {
    this.stop();
    void this.pingAll();
    this.timer = setInterval(() => void this.pingAll(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async pingAll(): Promise<void> {
    await Promise.all([...this.peers.values()].map((p) => this.ping(p)));
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  async ping(peer: MonitoredPeer): Promise<void> {
    let target;
    try {
      target = await this.resolver.resolve(peer.host, peer.port, peer.protocol, peer.address);
    } catch {
      this.record(peer, undefined, 'not resolved');
      return;
    }
    const local = this.sip.local(target);
    const uri = `sip:${peer.host}:${peer.port}${peer.protocol === 'udp' ? '' : `;transport=${peer.protocol}`}`;
    const from = `sip:ping@${peer.contactHost ?? local.host}`;
    const request = createRequest({
      method: 'OPTIONS',
      uri: uriOf(uri),
      headers: [
        ['Max-Forwards', '70'],
        ['From', `<${from}>;tag=${newTag()}`],
        ['To', `<${uri}>`],
        ['Call-ID', newCallId()],
        ['CSeq', `${this.seq++} OPTIONS`],
        ['Contact', contactUri(undefined, peer.contactHost ?? local.host, local)],
        ['Accept', 'application/sdp'],
        ['User-Agent', 'ccx-sbc'],
      ],
    });
    const sent = this.now();
    await new Promise<void>((resolve) => {
      this.sip.send(request, target, {
        onResponse: (res) => {
          if (res.startLine.type !== 'response' || res.startLine.status < 200) return;
          this.record(
            peer,
            res.startLine.status,
            `OPTIONS answered ${res.startLine.status}`,
            this.now() - sent,
          );
          resolve();
        },
        onTimeout: () => {
          this.record(peer, undefined, 'OPTIONS not answered');
          resolve();
        },
        onTransportError: (err) => {
          this.record(peer, undefined, `OPTIONS not sent: ${err.message}`);
          resolve();
        },
      });
    });
  }

  private record(
    peer: MonitoredPeer,
    status: number | undefined,
    detail: string,
    rttMs?: number,
  ): void {
    if (!this.peers.has(peer.key)) return;
    const prev = this.status.get(peer.key) ?? {
      state: 'up' as PeerState,
      missed: 0,
      changedAt: this.now(),
    };
    const missed = status === undefined ? prev.missed + 1 : 0;
    let state: PeerState;
    if (status === undefined)
      state =
        missed >= this.options.downAfter ? 'down' : prev.state === 'down' ? 'down' : 'degraded';
    else state = status === 503 ? 'degraded' : 'up';
    const next: PeerStatus = {
      state,
      missed,
      changedAt: state === prev.state ? prev.changedAt : this.now(),
      ...(status !== undefined ? { lastStatus: status } : {}),
      ...(rttMs !== undefined ? { lastRttMs: rttMs } : {}),
    };
    this.status.set(peer.key, next);
    if (state !== prev.state) {
      this.options.log.info(
        { peer: peer.key, state, previous: prev.state, detail },
        'SIP peer state changed',
      );
      this.options.onChange({ peer, state, previous: prev.state, detail });
    }
  }
}
