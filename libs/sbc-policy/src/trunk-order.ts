// Which trunks an outbound call may use, and in which order it tries them (failover order).
//
// Candidates (enabled ITSP trunks of the tenant, never the trunk the call came in on):
//   - caller at a site with trunks of its own: that site's trunks, then central-site trunks and
//     trunks without a site (distributed trunking; the central ones are the fallback);
//   - caller at a branch without trunks, at a central site, or with no site: central-site trunks
//     and trunks without a site (centralized trunking);
//   - other branches' trunks are never used for someone else's calls (they are local breakouts);
//   - if that leaves nothing (a tenant with only branch trunks and a caller elsewhere): every trunk.
// Country rule: when the caller's site has `localEgress`, only trunks whose site is in the same
// country qualify; none left is a refusal (403, "no trunk in <country>").
// Order, compared key by key:
//   1. not `down` before `down` (OPTIONS says so): a dead trunk costs a timeout per call, so every
//      live trunk is tried first; this is what keeps a branch trunk working when the central
//      site is unreachable, and what moves a branch call to the centre when its own trunk died;
//   2. the range's own trunk (`numberRanges[].trunkId`), then the caller's own site, then the rest;
//   3. `up` before `degraded`;
//   4. `priority`, lower first;
//   5. order of the configuration.
// Down trunks stay in the list (behind the others): OPTIONS may lag behind a recovery.
import type { SiteConfig, TenantConfig, TrunkConfig } from './config';
import type { PeerHealth, PeerState } from './types';

export interface TrunkChoice {
  tenant: TenantConfig;
  /** Site of the calling number, when its range names one. */
  callerSite?: SiteConfig;
  /** Trunk named by the calling number's range: tried first among live trunks. */
  preferTrunkId?: string;
  /** The trunk the call arrived on (a PBX calling out): never sent back there. */
  excludeTrunkId?: string;
  health: PeerHealth;
}

export type TrunkOrder = { ok: true; trunks: TrunkConfig[] } | { ok: false; reason: string };

const HEALTH_RANK: Record<PeerState, number> = { up: 0, degraded: 1, down: 2 };

export function orderTrunks(choice: TrunkChoice): TrunkOrder {
  const { tenant, callerSite } = choice;
  const sites = new Map(tenant.sites.map((s) => [s.id, s]));
  const usable = tenant.trunks.filter(
    (t) => t.enabled && t.kind === 'itsp' && t.id !== choice.excludeTrunkId,
  );
  const isCentral = (t: TrunkConfig): boolean =>
    t.siteId === undefined || sites.get(t.siteId)?.kind === 'central';
  const isOwn = (t: TrunkConfig): boolean => callerSite !== undefined && t.siteId === callerSite.id;

  let candidates = usable.filter((t) => isOwn(t) || isCentral(t));
  if (candidates.length === 0) candidates = usable;
  if (callerSite?.localEgress) {
    const country = callerSite.country;
    candidates = candidates.filter(
      (t) => t.siteId !== undefined && sites.get(t.siteId)?.country === country,
    );
    // The country rule may allow another branch in the same country when nothing else is there.
    if (candidates.length === 0)
      candidates = usable.filter(
        (t) => t.siteId !== undefined && sites.get(t.siteId)?.country === country,
      );
    if (candidates.length === 0) return { ok: false, reason: `no trunk in ${country}` };
  }
  if (candidates.length === 0) return { ok: false, reason: `tenant ${tenant.id} has no trunk` };

  const keyed = candidates.map((trunk, index) => {
    const state = choice.health.state(trunk.id);
    const affinity = trunk.id === choice.preferTrunkId ? 0 : isOwn(trunk) ? 1 : 2;
    return { trunk, index, down: state === 'down' ? 1 : 0, affinity, rank: HEALTH_RANK[state] };
  });
  keyed.sort(
    (a, b) =>
      a.down - b.down ||
      a.affinity - b.affinity ||
      a.rank - b.rank ||
      a.trunk.priority - b.trunk.priority ||
      a.index - b.index,
  );
  return { ok: true, trunks: keyed.map((k) => k.trunk) };
}

/** `sip:<number>@<host>:<port>;user=phone`, with `;transport=` for TCP and TLS. */
export function trunkRequestUri(trunk: TrunkConfig, number: string): string {
  const transport = trunk.transport === 'udp' ? '' : `;transport=${trunk.transport}`;
  const host =
    trunk.host.includes(':') && !trunk.host.startsWith('[') ? `[${trunk.host}]` : trunk.host;
  return `sip:${number}@${host}:${trunk.port};user=phone${transport}`;
}
