// What the policy decides for the B2BUA: who sent a request (classification / ACL), where a call
// goes (routing with failover order), and whether it fits (admission). docs/sbc.md.
import type { SipAddress, TlsPeer } from '@ccx/sip';
import type { TeamsProxy, TenantConfig, TrunkConfig } from './config';

export type PeerState = 'up' | 'degraded' | 'down';

/** Health of SIP peers as OPTIONS sees it; keys are `peerKey()` values. */
export interface PeerHealth {
  state(peer: string): PeerState;
}

/** The key a peer's health is tracked under: the trunk id, or `teams:<proxy host>`. */
export const peerKey = (
  peer: { kind: 'trunk'; trunk: TrunkConfig } | { kind: 'teams'; proxy: TeamsProxy },
): string => (peer.kind === 'trunk' ? peer.trunk.id : `teams:${peer.proxy.host}`);

export type Ingress =
  | { kind: 'teams'; tenant: TenantConfig }
  | { kind: 'trunk'; tenant: TenantConfig; trunk: TrunkConfig };

/** Who a new out-of-dialog request comes from, by source address, TLS names and Request-URI. */
export type Classification =
  | { ok: true; ingress: Ingress }
  /** `drop`: send nothing (policy `unknownSources: drop`). */
  | { ok: false; action: 'reject' | 'drop'; status: number; reason: string };

export interface ClassifyInput {
  source: SipAddress;
  tls?: TlsPeer;
  /** Request-URI host (Teams calls name the tenant FQDN there) and user part. */
  requestHost: string;
  requestUser?: string;
}

/** One next hop to try, in failover order. */
export type Destination =
  | {
      kind: 'teams';
      proxy: TeamsProxy;
      /** `sip:+E164@<proxy host>:<port>;transport=tls` */
      requestUri: string;
      /** The tenant FQDN to put in Contact (and Record-Route), never an IP. */
      contactHost: string;
    }
  | { kind: 'trunk'; trunk: TrunkConfig; requestUri: string }
  /** A SIP URI given by routing (`sbc.connect` with `sip-uri`); sent where the URI says. */
  | { kind: 'uri'; requestUri: string };

export interface RouteInput {
  ingress: Ingress;
  /** Calling number or user as received (From user part or P-Asserted-Identity). */
  calling: string;
  /** Called number or user as received (Request-URI user part). */
  called: string;
}

export type RouteDecision =
  | {
      ok: true;
      tenant: TenantConfig;
      direction: 'inbound' | 'outbound';
      /** Numbers after the dial plan and caller-ID screening (+E.164 where they could be made so). */
      calling: string;
      called: string;
      /** The caller-ID was rewritten by policy (From/PAI must be replaced). */
      callingRewritten: boolean;
      /** Failover order; empty with `holdForRouting`. */
      destinations: Destination[];
      /** The called number is a queue: hold the call and wait for `sbc.connect` from routing. */
      holdForRouting: boolean;
      /** Site of the calling (outbound) or called (inbound) number, when a range names one. */
      siteId?: string;
    }
  | { ok: false; status: number; reason: string; q850Cause: number };

export type AdmissionRefusal = {
  ok: false;
  scope: 'trunk' | 'tenant';
  id: string;
  limit: 'calls' | 'bandwidth';
  inUse: number;
  max: number;
  requestedKbps?: number;
};
export type AdmissionResult = { ok: true; release: () => void } | AdmissionRefusal;
