// Next-hop host names to transport addresses: configured address first, IP literals as they are,
// else DNS (A/AAAA through the system resolver), cached for a minute. TLS keeps the host name as
// the name to verify (SNI), whatever address it connects to.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SendTarget, TransportProtocol } from '@ccx/sip';
import type { TargetResolver } from './policy-port';

export class DnsResolver implements TargetResolver {
  private cache = new Map<string, { address: string; until: number }>();

  constructor(private readonly ttlMs = 60_000) {}

  async resolve(
    host: string,
    port: number,
    protocol: TransportProtocol,
    address?: string,
  ): Promise<SendTarget> {
    const name = host.replace(/^\[|\]$/g, '');
    const ip = address ?? (isIP(name) ? name : await this.lookup(name));
    return { protocol, host: ip, port, ...(protocol === 'tls' ? { servername: name } : {}) };
  }

  private async lookup(name: string): Promise<string> {
    const hit = this.cache.get(name);
    if (hit && hit.until > Date.now()) return hit.address;
    const { address } = await lookup(name);
    this.cache.set(name, { address, until: Date.now() + this.ttlMs });
    return address;
  }
}
