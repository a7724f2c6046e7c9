// The SBC's per-request decisions, built once per configuration: who sent a request
// (classification / ACL), how numbers are normalised, and where a call goes (routing.ts).
import { AddressIndex, canonicalIp, TlsNameIndex } from './addresses';
import type { SbcSettings, TenantConfig, TrunkConfig } from './config';
import {
  applyDialPlan,
  compileDialPlan,
  numberFromUser,
  RangeIndex,
  type CompiledRule,
} from './numbers';
import type { Classification, ClassifyInput, PeerHealth } from './types';

interface TrunkEntry {
  tenant: TenantConfig;
  trunk: TrunkConfig;
}

export class PolicyIndex {
  readonly tenants = new Map<string, TenantConfig>();
  readonly bySubdomain = new Map<string, TenantConfig>();
  readonly ranges: RangeIndex;
  private readonly dialPlans = new Map<string, CompiledRule[]>();
  private readonly trunkSources = new AddressIndex<TrunkEntry>();
  private readonly trunkTls = new TlsNameIndex<TrunkEntry>();
  private readonly teamsSources = new AddressIndex<true>();
  private readonly teamsTls = new TlsNameIndex<true>();
  private readonly baseSuffix: string | undefined;

  constructor(
    readonly settings: SbcSettings,
    readonly health: PeerHealth,
  ) {
    const base = settings.teams.baseDomain?.toLowerCase();
    this.baseSuffix = base === undefined ? undefined : `.${base}`;
    for (const net of settings.teams.sources) this.teamsSources.add(net, true);
    for (const name of settings.teams.tlsNames) this.teamsTls.add(name, true);
    const owned = [];
    for (const tenant of settings.tenants) {
      this.tenants.set(tenant.id, tenant);
      if (tenant.teamsSubdomain) this.bySubdomain.set(tenant.teamsSubdomain, tenant);
      this.dialPlans.set(tenant.id, compileDialPlan(tenant.dialPlan));
      for (const range of tenant.numberRanges) owned.push({ tenant, range });
      for (const trunk of tenant.trunks) {
        // A disabled trunk is out of service in both directions: its calls are unknown sources.
        if (!trunk.enabled) continue;
        const entry = { tenant, trunk };
        const sources = trunk.sources.length > 0 ? trunk.sources : defaultSources(trunk);
        for (const s of sources) this.trunkSources.add(s, entry);
        const names =
          trunk.tlsNames.length > 0
            ? trunk.tlsNames
            : trunk.transport === 'tls'
              ? [trunk.host]
              : [];
        for (const name of names) this.trunkTls.add(name, entry);
      }
    }
    this.ranges = new RangeIndex(owned);
  }

  tenant(ref: TenantConfig | string): TenantConfig | undefined {
    return typeof ref === 'string' ? this.tenants.get(ref) : ref;
  }

  /** The tenant's dial plan applied to the number of a URI user part (docs/sbc-policy.md). */
  normalize(ref: TenantConfig | string, user: string): string {
    const tenant = this.tenant(ref);
    if (!tenant) return numberFromUser(user);
    const rules = this.dialPlans.get(tenant.id) ?? compileDialPlan(tenant.dialPlan);
    return applyDialPlan(rules, numberFromUser(user));
  }

  /** The Teams tenant named by a Request-URI host `<sub>.<baseDomain>`; null: not under it. */
  private teamsTenant(host: string): TenantConfig | undefined | null {
    if (this.baseSuffix === undefined) return null;
    const h = host.toLowerCase().replace(/\.$/, '');
    if (!h.endsWith(this.baseSuffix)) return null;
    const sub = h.slice(0, -this.baseSuffix.length);
    if (sub === '' || sub.includes('.')) return undefined;
    return this.bySubdomain.get(sub);
  }

  classify(input: ClassifyInput): Classification {
    const tlsNames = input.tls?.authorized ? input.tls.names : [];
    const fromTeams =
      this.teamsSources.find(input.source.host).length > 0 ||
      (tlsNames.length > 0 && this.teamsTls.find(tlsNames).length > 0);
    const trunks = this.matchTrunks(input.source.host, tlsNames);

    if (fromTeams) {
      const tenant = this.teamsTenant(input.requestHost);
      if (tenant) return { ok: true, ingress: { kind: 'teams', tenant } };
      if (trunks.length === 0 || tenant === undefined)
        return {
          ok: false,
          action: 'reject',
          status: 404,
          reason: `${input.requestHost} is not the Direct Routing FQDN of a tenant`,
        };
    }
    if (trunks.length === 0) return this.unknown(input);
    const first = trunks[0]!;
    if (trunks.every((t) => t.tenant === first.tenant))
      return { ok: true, ingress: { kind: 'trunk', tenant: first.tenant, trunk: first.trunk } };

    // One carrier for many tenants: the called number decides which tenant's call this is.
    for (const entry of trunks) {
      const called = this.normalize(entry.tenant, input.requestUser ?? '');
      if (this.ranges.lookup(called)?.tenant === entry.tenant)
        return { ok: true, ingress: { kind: 'trunk', tenant: entry.tenant, trunk: entry.trunk } };
    }
    return {
      ok: false,
      action: 'reject',
      status: 404,
      reason: `called number ${input.requestUser ?? '(none)'} belongs to no tenant of this trunk`,
    };
  }

  private matchTrunks(host: string, tlsNames: string[]): readonly TrunkEntry[] {
    const byAddress = this.trunkSources.find(host);
    if (tlsNames.length === 0) return byAddress;
    const found = byAddress.slice();
    for (const entry of this.trunkTls.find(tlsNames)) if (!found.includes(entry)) found.push(entry);
    return found;
  }

  private unknown(input: ClassifyInput): Classification {
    return {
      ok: false,
      action: this.settings.unknownSources === 'drop' ? 'drop' : 'reject',
      status: 403,
      reason: `source ${input.source.host} is not a configured peer`,
    };
  }
}

function defaultSources(trunk: TrunkConfig): string[] {
  if (trunk.address !== undefined && canonicalIp(trunk.address) !== undefined)
    return [trunk.address];
  return canonicalIp(trunk.host) !== undefined ? [trunk.host] : [];
}
