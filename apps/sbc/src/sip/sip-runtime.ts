// The SBC's SIP runtime, framework-free: transport, B2BUA, policy, OPTIONS monitor and the
// settings source, started and stopped together. sip.module.ts wires it into Nest.
import { readFileSync } from 'node:fs';
import {
  B2bua,
  DnsResolver,
  OptionsMonitor,
  SettingsPolicy,
  SipOut,
  type CallEventSink,
  type MediaControl,
  type MonitoredPeer,
} from '@ccx/b2bua';
import type { Logger } from '@ccx/observability';
import type { PeerHealth, SbcSettings } from '@ccx/sbc-policy';
import { SipTransportLayer } from '@ccx/sip';
import type { SbcConfig } from '../config';
import type { SettingsSource } from './settings-source';

export interface SipRuntime {
  b2bua: B2bua;
  transport: SipTransportLayer;
  policy: SettingsPolicy;
  monitor: OptionsMonitor;
  stop(): Promise<void>;
}

/** Every trunk of every tenant, and the Teams proxies when some tenant uses Direct Routing. */
export function peersOf(settings: SbcSettings): MonitoredPeer[] {
  const peers: MonitoredPeer[] = [];
  for (const tenant of settings.tenants) {
    for (const t of tenant.trunks) {
      if (!t.enabled || !t.ping) continue;
      peers.push({
        key: t.id,
        tenantId: tenant.id,
        host: t.host,
        port: t.port,
        protocol: t.transport,
        ...(t.address ? { address: t.address } : {}),
      });
    }
  }
  if (settings.tenants.some((t) => t.teamsSubdomain)) {
    for (const p of settings.teams.proxies) {
      peers.push({
        key: `teams:${p.host}`,
        tenantId: '*',
        host: p.host,
        port: p.port,
        protocol: 'tls',
        ...(p.address ? { address: p.address } : {}),
        ...(settings.teams.baseDomain ? { contactHost: settings.teams.baseDomain } : {}),
      });
    }
  }
  return peers;
}

export async function startSipRuntime(deps: {
  config: SbcConfig;
  sbcId: string;
  source: SettingsSource;
  media: MediaControl;
  events: CallEventSink;
  log: Logger;
}): Promise<SipRuntime> {
  const { config, log } = deps;
  const settings = await deps.source.load();
  const ref: { b2bua?: B2bua } = {};
  const tls =
    config.SBC_TLS_CERT && config.SBC_TLS_KEY
      ? {
          cert: readFileSync(config.SBC_TLS_CERT),
          key: readFileSync(config.SBC_TLS_KEY),
          ...(config.SBC_TLS_CA ? { ca: readFileSync(config.SBC_TLS_CA) } : {}),
        }
      : undefined;
  const transport = new SipTransportLayer({
    listen: config.SBC_SIP_LISTEN,
    ...(tls ? { tls } : {}),
    onMessage: (rx) => ref.b2bua?.receive(rx),
    onInvalid: (m) =>
      log.warn(
        {
          source: `${m.source.host}:${m.source.port}`,
          reason: m.reason,
          answered400: m.answered400,
        },
        'invalid SIP message',
      ),
    log: (level, obj, msg) => log[level](obj, msg),
  });
  await transport.start();
  const holder: { monitor?: OptionsMonitor } = {};
  const health: PeerHealth = { state: (key) => holder.monitor?.state(key) ?? 'up' };
  const policy = new SettingsPolicy(settings, health);
  const resolver = new DnsResolver();
  const b2buaLog = {
    info: (o: Record<string, unknown>, m: string) => log.info(o, m),
    warn: (o: Record<string, unknown>, m: string) => log.warn(o, m),
    error: (o: Record<string, unknown>, m: string) => log.error(o, m),
    debug: (o: Record<string, unknown>, m: string) => log.debug(o, m),
  };
  const b2bua = new B2bua({
    transport,
    policy,
    media: deps.media,
    events: deps.events,
    resolver,
    sbcId: deps.sbcId,
    log: b2buaLog,
    holdForRoutingMs: deps.config.SBC_ROUTING_HOLD_SECONDS * 1000,
  });
  ref.b2bua = b2bua;
  const monitor = new OptionsMonitor(new SipOut(transport, b2bua.transactions), resolver, {
    intervalMs: settings.options.intervalMs,
    downAfter: settings.options.downAfter,
    log: b2buaLog,
    onChange: (c) =>
      deps.events.trunkState?.(
        {
          trunkId: c.peer.key,
          state: c.state,
          previous: c.previous,
          peer: `${c.peer.protocol}:${c.peer.host}:${c.peer.port}`,
          detail: c.detail,
        },
        c.peer.tenantId === '*' ? 'platform' : c.peer.tenantId,
      ),
  });
  holder.monitor = monitor;
  monitor.setPeers(peersOf(settings));
  monitor.start();
  deps.source.watch((next) => {
    policy.update(next);
    monitor.setPeers(peersOf(next));
  });
  log.info({ listen: transport.addresses(), tenants: settings.tenants.length }, 'SIP listening');
  return {
    b2bua,
    transport,
    policy,
    monitor,
    async stop() {
      deps.source.stop();
      monitor.stop();
      b2bua.close();
      await transport.stop();
    },
  };
}
