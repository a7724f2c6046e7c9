// Prometheus gauges read at scrape time from the running SIP stack.
import { Gauge, type Registry } from '@ccx/observability';
import type { SipRuntime } from './sip-runtime';

export function registerSipMetrics(registry: Registry, runtime: SipRuntime): void {
  const gauge = (
    name: string,
    help: string,
    collect: (g: Gauge) => void,
    labelNames: string[] = [],
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        collect(this);
      },
    });
  gauge('sbc_calls_active', 'Calls in progress on this SBC.', (g) =>
    g.set(runtime.b2bua.activeCalls),
  );
  gauge('sbc_dialogs_active', 'SIP dialogs held (two per answered call).', (g) =>
    g.set(runtime.b2bua.activeDialogs),
  );
  gauge(
    'sbc_transactions_active',
    'SIP transactions in progress, by kind.',
    (g) => {
      const s = runtime.b2bua.transactions.stats();
      g.set({ kind: 'client' }, s.client);
      g.set({ kind: 'server' }, s.server);
    },
    ['kind'],
  );
  gauge(
    'sbc_requests_dropped',
    'Requests dropped before any transaction, by reason (cumulative).',
    (g) => {
      const d = runtime.b2bua.counters.dropped;
      g.set({ reason: 'rate-limited' }, d.rateLimited);
      g.set({ reason: 'unknown-source' }, d.unknownSource);
    },
    ['reason'],
  );
  gauge(
    'sbc_peer_up',
    'SIP peer health from OPTIONS: 1 up, 0.5 degraded, 0 down.',
    (g) => {
      for (const p of runtime.monitor.snapshot()) {
        g.set(
          { peer: p.key },
          p.status.state === 'up' ? 1 : p.status.state === 'degraded' ? 0.5 : 0,
        );
      }
    },
    ['peer'],
  );
}
