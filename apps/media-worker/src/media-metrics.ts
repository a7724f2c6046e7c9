import type { MediaEngine } from '@ccx/media-relay';
import { Counter, Gauge, type Registry } from '@ccx/observability';

/** Prometheus metrics read from the engine at scrape time (nothing is counted per packet here). */
export function registerMediaMetrics(registry: Registry, engine: MediaEngine): void {
  new Gauge({
    name: 'ccx_media_sessions',
    help: 'Media sessions on this worker, by kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.set({ kind: 'all' }, engine.activeSessions);
      this.set({ kind: 'transcoding' }, engine.transcodingSessions);
    },
  });
  new Gauge({
    name: 'ccx_media_capacity_sessions',
    help: 'Sessions this worker accepts',
    registers: [registry],
    collect() {
      this.set(engine.capacity);
    },
  });
  new Counter({
    name: 'ccx_media_packets_total',
    help: 'RTP packets accepted from parties (in) and sent to them (out)',
    labelNames: ['direction'],
    registers: [registry],
    collect() {
      const t = engine.totals();
      this.reset();
      this.inc({ direction: 'in' }, t.packetsIn);
      this.inc({ direction: 'out' }, t.packetsOut);
    },
  });
  new Counter({
    name: 'ccx_media_dropped_total',
    help: 'Datagrams dropped, by reason (malformed, foreign source, SRTP auth/replay, unknown payload type...)',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      const t = engine.totals();
      this.reset();
      for (const [reason, n] of Object.entries(t.dropped)) this.inc({ reason }, n);
    },
  });
  new Counter({
    name: 'ccx_media_sessions_reaped_total',
    help: 'Sessions removed because they saw no media for MEDIA_IDLE_TIMEOUT_MS',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(engine.reaped);
    },
  });
}
