// The decisions the B2BUA asks of the SBC policy (libs/sbc-policy), as one narrow interface so the
// call logic reads the same whatever the configuration source (YAML file or live API config).
import type {
  AdmissionResult,
  Classification,
  ClassifyInput,
  Destination,
  HeaderRule,
  RouteDecision,
  RouteInput,
  TenantConfig,
  TrunkConfig,
} from '@ccx/sbc-policy';
import type { SendTarget, SipMessage, TransportProtocol } from '@ccx/sip';

export type ConnectTarget =
  | { kind: 'teams-user'; number: string }
  | { kind: 'sip-uri'; uri: string }
  | { kind: 'number'; number: string };

export interface CallPolicy {
  /** Per-source rate limit of new out-of-dialog requests. */
  allowSource(ip: string): boolean;
  classify(input: ClassifyInput): Classification;
  route(input: RouteInput): RouteDecision;
  /** Destinations for a routing command or a REFER target, in failover order. */
  destinationsFor(tenant: TenantConfig, target: ConnectTarget): Destination[];
  /** A tenant's settings by id (`sbc.originate`). */
  tenant(id: string): TenantConfig | undefined;
  admit(input: { tenant: TenantConfig; trunk?: TrunkConfig; kbps: number }): AdmissionResult;
  /** Bandwidth of one call (kbit/s, IP level) for admission, from the offer's codecs and ptime. */
  callKbps(input: { ptimeMs: number; ipVersion: 4 | 6; srtp: boolean }): number;
  applyHeaderRules(
    message: SipMessage,
    rules: HeaderRule[],
    direction: 'in' | 'out',
    vars: Record<string, string>,
  ): void;
  /** Statuses after which the next destination is tried (408, 500, 503, 504 by default). */
  failoverStatuses: ReadonlySet<number>;
  /** Time to wait for any response from a next hop before trying the next one. */
  noAnswerMs: number;
  /** Teams proxy host names (a REFER target on one of them is a Teams user). */
  isTeamsHost(host: string): boolean;
  /** `tenant.<baseDomain>` for Contact headers towards Teams. */
  tenantFqdn(tenant: TenantConfig): string | undefined;
}

/** Turns a destination host into where to send (DNS A/AAAA unless an address is configured). */
export interface TargetResolver {
  resolve(
    host: string,
    port: number,
    protocol: TransportProtocol,
    address?: string,
  ): Promise<SendTarget>;
}
