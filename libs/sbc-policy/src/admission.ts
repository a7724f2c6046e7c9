// Admission control: concurrent calls and bandwidth, per trunk and per tenant. A call is admitted
// only if every limit it touches has room; its reservation is returned once by release().
// Counters are per SBC process (each replica enforces its own share of a limit).
import { callBandwidth } from '@ccx/sdp';
import type { TenantConfig, TrunkConfig } from './config';
import type { AdmissionResult } from './types';

export interface CallKbpsInput {
  /** Codecs offered/answered; the worst case of them is reserved (G.711 both 64 kbit/s). */
  codecs: ('PCMA' | 'PCMU')[];
  ptime: number;
  ipVersion: 4 | 6;
  /** SRTP (Teams legs, AES_CM_128_HMAC_SHA1_80): 10-byte authentication tag per packet. */
  srtp: boolean;
}

/**
 * kbit/s one call needs at the IP level, both directions: 2 × (payload + RTP 12 + UDP 8 + IP 20/40
 * + SRTP tag) × 8 × packets/s. G.711 at 20 ms over IPv4: 2 × 80 = 160 kbit/s.
 */
export function callKbps(input: CallKbpsInput): number {
  const codecs = input.codecs.length > 0 ? input.codecs : (['PCMA'] as const);
  let worst = 0;
  for (const codec of codecs) {
    const bw = callBandwidth({
      codec,
      ptimeMs: input.ptime,
      ipVersion: input.ipVersion,
      srtpTagBytes: input.srtp ? 10 : 0,
    });
    worst = Math.max(worst, bw.kbps);
  }
  return Math.round(worst * 2 * 100) / 100;
}

export interface Usage {
  calls: number;
  kbps: number;
  maxCalls?: number;
  maxKbps?: number;
}

export interface AdmissionUsage {
  trunks: Record<string, Usage>;
  tenants: Record<string, Usage>;
}

interface Counter {
  calls: number;
  kbps: number;
}

export interface AdmitRequest {
  tenant: TenantConfig;
  trunk?: TrunkConfig;
  kbps: number;
}

export class AdmissionControl {
  private readonly trunks = new Map<string, Counter & { config: TrunkConfig }>();
  private readonly tenants = new Map<string, Counter & { config: TenantConfig }>();

  admit({ tenant, trunk, kbps }: AdmitRequest): AdmissionResult {
    const te = this.counter(this.tenants, tenant.id, tenant);
    const tr = trunk ? this.counter(this.trunks, trunk.id, trunk) : undefined;
    // Checked trunk first: a full trunk is the more specific reason to give the caller.
    if (trunk && tr) {
      if (tr.calls + 1 > trunk.maxChannels)
        return refusal('trunk', trunk.id, 'calls', tr.calls, trunk.maxChannels);
      const max = trunk.maxBandwidthKbps;
      if (max !== undefined && tr.kbps + kbps > max)
        return refusal('trunk', trunk.id, 'bandwidth', tr.kbps, max, kbps);
    }
    if (tenant.maxCalls !== undefined && te.calls + 1 > tenant.maxCalls)
      return refusal('tenant', tenant.id, 'calls', te.calls, tenant.maxCalls);
    if (tenant.maxBandwidthKbps !== undefined && te.kbps + kbps > tenant.maxBandwidthKbps)
      return refusal('tenant', tenant.id, 'bandwidth', te.kbps, tenant.maxBandwidthKbps, kbps);

    te.calls += 1;
    te.kbps += kbps;
    if (tr) {
      tr.calls += 1;
      tr.kbps += kbps;
    }
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        te.calls -= 1;
        te.kbps = Math.max(0, te.kbps - kbps);
        if (tr) {
          tr.calls -= 1;
          tr.kbps = Math.max(0, tr.kbps - kbps);
        }
      },
    };
  }

  /** Current counters with their limits, for /metrics and the API. */
  usage(): AdmissionUsage {
    const out: AdmissionUsage = { trunks: {}, tenants: {} };
    for (const [id, c] of this.trunks)
      out.trunks[id] = {
        calls: c.calls,
        kbps: round(c.kbps),
        maxCalls: c.config.maxChannels,
        maxKbps: c.config.maxBandwidthKbps,
      };
    for (const [id, c] of this.tenants)
      out.tenants[id] = {
        calls: c.calls,
        kbps: round(c.kbps),
        maxCalls: c.config.maxCalls,
        maxKbps: c.config.maxBandwidthKbps,
      };
    return out;
  }

  private counter<C>(map: Map<string, Counter & { config: C }>, id: string, config: C) {
    let c = map.get(id);
    if (!c) {
      c = { calls: 0, kbps: 0, config };
      map.set(id, c);
    }
    // Limits follow the live configuration; counts carry over across a config change.
    c.config = config;
    return c;
  }
}

const round = (n: number): number => Math.round(n * 100) / 100;

function refusal(
  scope: 'trunk' | 'tenant',
  id: string,
  limit: 'calls' | 'bandwidth',
  inUse: number,
  max: number,
  requestedKbps?: number,
): AdmissionResult {
  return { ok: false, scope, id, limit, inUse: round(inUse), max, requestedKbps };
}
