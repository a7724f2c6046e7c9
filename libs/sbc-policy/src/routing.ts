// Where a call goes: inbound (trunk → Teams, or to the PBX hosting the number), outbound
// (Teams or PBX → PSTN trunks, trunk-order.ts), and targets of routing's `sbc.connect`.
import { screenCallerId } from './caller-id';
import type { SiteConfig, TeamsProxy, TenantConfig, TrunkConfig } from './config';
import { isE164 } from './numbers';
import { PolicyIndex } from './policy';
import { orderTrunks, trunkRequestUri } from './trunk-order';
import type { Destination, RouteDecision, RouteInput } from './types';
import { peerKey } from './types';

export type ConnectTarget =
  | { kind: 'teams-user'; number: string }
  | { kind: 'number'; number: string }
  | { kind: 'sip-uri'; uri: string };

export type ConnectResult =
  | { ok: true; destinations: Destination[] }
  | { ok: false; status: number; reason: string; q850Cause: number };

const refuse = (status: number, reason: string, q850Cause: number) =>
  ({ ok: false, status, reason, q850Cause }) as const;

export class SbcPolicy extends PolicyIndex {
  route(input: RouteInput): RouteDecision {
    const { ingress } = input;
    const tenant = ingress.tenant;
    const called = this.normalize(tenant, input.called);
    const calling = this.normalize(tenant, input.calling);
    if (ingress.kind === 'trunk') {
      const owned = this.ranges.lookup(called);
      // A PBX may call out through the ITSP trunks; an ITSP call must be for one of our numbers.
      if (owned?.tenant !== tenant && ingress.trunk.kind === 'pbx')
        return this.outbound(tenant, calling, called, ingress.trunk);
      return this.inbound(tenant, calling, called);
    }
    return this.outbound(tenant, calling, called);
  }

  /** Next hops for routing's `sbc.connect` (a queued call, or a transfer made by routing). */
  destinationForConnect(ref: TenantConfig | string, target: ConnectTarget): ConnectResult {
    const tenant = this.tenant(ref);
    if (!tenant) return refuse(404, `unknown tenant ${String(ref)}`, 1);
    switch (target.kind) {
      case 'sip-uri':
        return { ok: true, destinations: [{ kind: 'uri', requestUri: target.uri }] };
      case 'teams-user': {
        const number = this.normalize(tenant, target.number);
        const teams = this.teamsDestinations(tenant, number);
        return teams.ok ? teams : refuse(teams.status, teams.reason, teams.q850Cause);
      }
      case 'number': {
        const number = this.normalize(tenant, target.number);
        if (!isE164(number)) return refuse(484, `${number} is not an E.164 number`, 28);
        // No caller site here: central trunks first, as for a caller without a site.
        const order = orderTrunks({ tenant, health: this.health });
        if (!order.ok) return refuse(403, order.reason, 63);
        return {
          ok: true,
          destinations: order.trunks.map((t) => this.trunkDestination(t, number)),
        };
      }
    }
  }

  private inbound(tenant: TenantConfig, calling: string, called: string): RouteDecision {
    const owned = this.ranges.lookup(called);
    if (!owned || owned.tenant !== tenant || owned.range.purpose === 'caller-id')
      return refuse(404, `${called} is not a number of tenant ${tenant.id}`, 1);
    const base = {
      ok: true as const,
      tenant,
      direction: 'inbound' as const,
      calling,
      called,
      callingRewritten: false,
      siteId: owned.range.siteId,
    };
    if (owned.range.purpose === 'queue') return { ...base, destinations: [], holdForRouting: true };
    const pbx = this.pbxTrunk(tenant, owned.range.trunkId);
    if (pbx)
      return { ...base, destinations: [this.trunkDestination(pbx, called)], holdForRouting: false };
    const teams = this.teamsDestinations(tenant, called);
    if (!teams.ok) return teams;
    return { ...base, destinations: teams.destinations, holdForRouting: false };
  }

  private outbound(
    tenant: TenantConfig,
    rawCalling: string,
    called: string,
    fromTrunk?: TrunkConfig,
  ): RouteDecision {
    const screened = screenCallerId(tenant, rawCalling, this.ranges);
    if (!screened.ok) return screened;
    if (!isE164(called)) return refuse(484, `${called} is not an E.164 number`, 28);
    const callerRange = this.ranges.lookup(screened.calling);
    const ownRange = callerRange?.tenant === tenant ? callerRange.range : undefined;
    const callerSite = siteOf(tenant, ownRange?.siteId);
    const base = {
      ok: true as const,
      tenant,
      direction: 'outbound' as const,
      calling: screened.calling,
      called,
      callingRewritten: screened.rewritten,
      holdForRouting: false,
      siteId: ownRange?.siteId,
    };
    // A Teams user calling a number hosted on the tenant's PBX goes straight there.
    const target = this.ranges.lookup(called);
    const pbx = target?.tenant === tenant ? this.pbxTrunk(tenant, target.range.trunkId) : undefined;
    if (pbx && pbx.id !== fromTrunk?.id)
      return { ...base, destinations: [this.trunkDestination(pbx, called)] };
    const order = orderTrunks({
      tenant,
      callerSite,
      preferTrunkId: ownRange?.trunkId,
      excludeTrunkId: fromTrunk?.id,
      health: this.health,
    });
    if (!order.ok) return refuse(403, order.reason, 63);
    return { ...base, destinations: order.trunks.map((t) => this.trunkDestination(t, called)) };
  }

  /**
   * Teams proxies in configured order, those OPTIONS reports `down` left out; if every proxy is
   * down they are all tried in order anyway (health may lag, and there is nowhere else to go).
   */
  private teamsDestinations(
    tenant: TenantConfig,
    number: string,
  ):
    | { ok: true; destinations: Destination[] }
    | { ok: false; status: number; reason: string; q850Cause: number } {
    const base = this.settings.teams.baseDomain;
    if (!tenant.teamsSubdomain || !base)
      return refuse(404, `tenant ${tenant.id} has no Teams subdomain`, 1);
    if (!isE164(number)) return refuse(484, `${number} is not an E.164 number`, 28);
    const contactHost = `${tenant.teamsSubdomain}.${base}`;
    const proxies = this.settings.teams.proxies;
    const live = proxies.filter(
      (proxy) => this.health.state(peerKey({ kind: 'teams', proxy })) !== 'down',
    );
    const toDestination = (proxy: TeamsProxy): Destination => ({
      kind: 'teams',
      proxy,
      requestUri: `sip:${number}@${proxy.host}:${proxy.port};transport=tls`,
      contactHost,
    });
    return { ok: true, destinations: (live.length > 0 ? live : proxies).map(toDestination) };
  }

  private pbxTrunk(tenant: TenantConfig, trunkId: string | undefined): TrunkConfig | undefined {
    if (trunkId === undefined) return undefined;
    const trunk = tenant.trunks.find((t) => t.id === trunkId);
    return trunk && trunk.kind === 'pbx' && trunk.enabled ? trunk : undefined;
  }

  private trunkDestination(trunk: TrunkConfig, number: string): Destination {
    return { kind: 'trunk', trunk, requestUri: trunkRequestUri(trunk, number) };
  }
}

const siteOf = (tenant: TenantConfig, id: string | undefined): SiteConfig | undefined =>
  id === undefined ? undefined : tenant.sites.find((s) => s.id === id);
