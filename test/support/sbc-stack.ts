// The SBC's SIP stack in the test process: real sockets (SipTransportLayer), the B2BUA, the
// policy from settings, and media anchored on a real MediaEngine (LocalMediaControl). Events are
// recorded instead of published. For tests of call handling against real SIP peers (SIPp).
import {
  B2bua,
  DnsResolver,
  LocalMediaControl,
  OptionsMonitor,
  SettingsPolicy,
  SipOut,
  silentLogger,
  type CallEventSink,
} from '@ccx/b2bua';
import { sbcSettings, type PeerHealth, type SbcSettingsInput } from '@ccx/sbc-policy';
import { SipTransportLayer, type ListenSpec, type SipTlsOptions } from '@ccx/sip';
import { join } from 'node:path';
import type { MediaEngine } from '@ccx/media-relay';
import { openEngine } from './media-engine';

export interface RecordedEvent {
  name: string;
  tenantId: string;
  callId: string;
  data: Record<string, unknown>;
}

export interface SbcStack {
  b2bua: B2bua;
  transport: SipTransportLayer;
  policy: SettingsPolicy;
  monitor: OptionsMonitor;
  /** Call events, and the engine's media.dtmf-detected / media.prompt-ended with the call id. */
  events: RecordedEvent[];
  /** The media engine the calls are anchored on (for `query` in tests). */
  engine: MediaEngine;
  /** Where the engine finds prompts (sbc.play) and writes recordings (sbc.record). */
  promptDir: string;
  recordingDir: string;
  trunkStates: { key: string; state: string }[];
  close(): Promise<void>;
}

export async function startSbcStack(options: {
  listen: ListenSpec[];
  settings: SbcSettingsInput;
  tls?: SipTlsOptions;
  timers?: { T1?: number; T2?: number; T4?: number };
  optionsIntervalMs?: number;
  ringTimeoutMs?: number;
  /** How long a held queue call waits for a routing command (default 120 s). */
  holdForRoutingMs?: number;
}): Promise<SbcStack> {
  const settings = sbcSettings.parse(options.settings);
  const events: RecordedEvent[] = [];
  const trunkStates: { key: string; state: string }[] = [];
  const sink: CallEventSink = {
    emit: (name, tenantId, callId, data) => {
      events.push({ name, tenantId, callId, data: data as Record<string, unknown> });
    },
  };
  const ref: { b2bua?: B2bua } = {};
  const transport = new SipTransportLayer({
    listen: options.listen,
    ...(options.tls ? { tls: options.tls } : {}),
    onMessage: (rx) => ref.b2bua?.receive(rx),
  });
  await transport.start();
  const health: { monitor?: OptionsMonitor } = {};
  const peerHealth: PeerHealth = { state: (k) => health.monitor?.state(k) ?? 'up' };
  const policy = new SettingsPolicy(settings, peerHealth);
  const { engine, dir } = openEngine({
    listener: {
      dtmf: (m, leg, digit, durationMs) =>
        events.push({
          name: 'media.dtmf-detected',
          tenantId: m.tenantId,
          callId: m.callId,
          data: { leg, digit, durationMs },
        }),
      promptEnded: (m, leg, prompt, reason, playedMs) =>
        events.push({
          name: 'media.prompt-ended',
          tenantId: m.tenantId,
          callId: m.callId,
          data: { leg, prompt, reason, playedMs },
        }),
    },
  });
  const resolver = new DnsResolver();
  const b2bua = new B2bua({
    transport,
    policy,
    media: new LocalMediaControl(engine),
    events: sink,
    resolver,
    sbcId: 'sbc-test',
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.ringTimeoutMs ? { ringTimeoutMs: options.ringTimeoutMs } : {}),
    ...(options.holdForRoutingMs ? { holdForRoutingMs: options.holdForRoutingMs } : {}),
  });
  ref.b2bua = b2bua;
  const monitor = new OptionsMonitor(new SipOut(transport, b2bua.transactions), resolver, {
    intervalMs: options.optionsIntervalMs ?? 60_000,
    downAfter: settings.options.downAfter,
    onChange: (c) => trunkStates.push({ key: c.peer.key, state: c.state }),
    log: silentLogger,
  });
  health.monitor = monitor;
  return {
    b2bua,
    transport,
    policy,
    monitor,
    events,
    engine,
    promptDir: join(dir, 'prompts'),
    recordingDir: join(dir, 'recordings'),
    trunkStates,
    async close() {
      monitor.stop();
      b2bua.close();
      await transport.stop();
    },
  };
}
