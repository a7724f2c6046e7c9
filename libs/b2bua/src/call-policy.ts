// The CallPolicy the B2BUA asks, built from SbcSettings. `update()` swaps the settings (live
// configuration, a reloaded YAML file) while admission counters and rate-limit buckets carry on.
import {
  AdmissionControl,
  RateLimiter,
  SbcPolicy,
  applyHeaderRules,
  callKbps,
  type PeerHealth,
  type SbcSettings,
  type TenantConfig,
} from '@ccx/sbc-policy';
import type { CallPolicy, ConnectTarget } from './policy-port';

export class SettingsPolicy implements CallPolicy {
  private policy: SbcPolicy;
  private teamsHosts = new Set<string>();
  readonly admission = new AdmissionControl();
  private limiter: RateLimiter;
  failoverStatuses: ReadonlySet<number>;
  noAnswerMs: number;

  constructor(
    settings: SbcSettings,
    private readonly health: PeerHealth,
  ) {
    this.policy = new SbcPolicy(settings, health);
    this.limiter = new RateLimiter(settings.rateLimit);
    this.failoverStatuses = new Set(settings.failover.statuses);
    this.noAnswerMs = settings.failover.noAnswerMs;
    this.index(settings);
  }

  get settings(): SbcSettings {
    return this.policy.settings;
  }

  update(settings: SbcSettings): void {
    const previous = this.policy.settings.rateLimit;
    this.policy = new SbcPolicy(settings, this.health);
    if (
      previous.burst !== settings.rateLimit.burst ||
      previous.perSourcePerSecond !== settings.rateLimit.perSourcePerSecond
    ) {
      this.limiter = new RateLimiter(settings.rateLimit);
    }
    this.failoverStatuses = new Set(settings.failover.statuses);
    this.noAnswerMs = settings.failover.noAnswerMs;
    this.index(settings);
  }

  private index(settings: SbcSettings): void {
    this.teamsHosts = new Set(settings.teams.proxies.map((p) => p.host.toLowerCase()));
  }

  allowSource(ip: string): boolean {
    return this.limiter.allow(ip);
  }

  classify: CallPolicy['classify'] = (input) => this.policy.classify(input);
  route: CallPolicy['route'] = (input) => this.policy.route(input);

  destinationsFor(tenant: TenantConfig, target: ConnectTarget) {
    const result = this.policy.destinationForConnect(tenant, target);
    return result.ok ? result.destinations : [];
  }

  tenant(id: string): TenantConfig | undefined {
    return this.policy.settings.tenants.find((t) => t.id === id);
  }

  admit: CallPolicy['admit'] = (input) => this.admission.admit(input);

  callKbps(input: { ptimeMs: number; ipVersion: 4 | 6; srtp: boolean }): number {
    return callKbps({
      codecs: ['PCMA'],
      ptime: input.ptimeMs,
      ipVersion: input.ipVersion,
      srtp: input.srtp,
    });
  }

  applyHeaderRules: CallPolicy['applyHeaderRules'] = (message, rules, direction, vars) => {
    applyHeaderRules(message, rules, direction, vars);
  };

  isTeamsHost(host: string): boolean {
    return this.teamsHosts.has(host.toLowerCase());
  }

  tenantFqdn(tenant: TenantConfig): string | undefined {
    const base = this.policy.settings.teams.baseDomain;
    return tenant.teamsSubdomain && base ? `${tenant.teamsSubdomain}.${base}` : undefined;
  }
}
