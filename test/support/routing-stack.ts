// The routing product end to end, every service a real process or server: the control-plane API
// (in this process, on a fresh Postgres database), the built routing service and the built SBC as
// child processes (media embedded in the SBC, or on a built media-worker process), all on one bus
// prefix; "Teams" is Kamailio over mutual TLS
// in front of a SIPp UAS, as in test/e2e/sbc-teams.test.ts.
//
// The SBC runs from a YAML file (`--config`), not from the API's database: in live mode its Teams
// proxies are always Microsoft's (only SBC_TEAMS_BASE_DOMAIN comes from the environment), so a
// test cannot point it at Kamailio. The YAML holds the same tenant and queue numbers as the API.
//
//   ITSP caller (SIPp UAC)  127.0.0.52:37103
//   SBC                     127.0.0.54:37100 udp, 37101 tls, http 37102, RTP 37200-37399
//   "Teams" sip proxy       Kamailio tls 127.0.0.61:37110, udp 37111 -> SIPp UAS 127.0.0.62:37112
//   routing service         http 127.0.0.1:37120
//   media worker (bus mode) http 127.0.0.1:37121, RTP 127.0.0.54:37200-37399
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WaveFile } from 'wavefile';
import type { EventBus } from '@ccx/event-bus';
import { startTestApi, type TestApi } from './api';
import { openTestBus, waitFor } from './bus';
import { buildDist, startChild, stopChild, type Child } from './child';
import { startKamailioTlsRelay, type KamailioRelay } from './kamailio';
import { redisUrl } from './redis';
import { makeTestCa } from './test-ca';

export const ROUTING_STACK = {
  sbc: { host: '127.0.0.54', udp: 37100, tls: 37101, http: 37102 },
  itsp: { host: '127.0.0.52', port: 37103 },
  teams: { tls: { host: '127.0.0.61', port: 37110 }, udp: { host: '127.0.0.61', port: 37111 } },
  agentUas: { host: '127.0.0.62', port: 37112 },
  routingHttp: 37120,
  mediaHttp: 37121,
  rtp: { min: 37200, max: 37399 },
  tenantId: 'acme',
  sbcId: 'sbc-routing-e2e',
} as const;

export interface RoutingStack {
  api: TestApi;
  /** A key of the tenant with every scope. */
  key: string;
  /** A bus on the services' prefix (the test plays the presence service on it). */
  bus: EventBus;
  sbc: Child;
  routing: Child;
  relay: KamailioRelay;
  /** The last lines of every process, for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

const S = ROUTING_STACK;

/** The SBC's settings: one ITSP trunk, the queue numbers held for routing, "Teams" on Kamailio. */
const sbcYaml = (queueNumbers: { first: string; last: string }) => `
teams:
  baseDomain: sbc.example
  proxies: [{ host: sip.pstnhub.microsoft.com, port: ${S.teams.tls.port}, address: ${S.teams.tls.host} }]
  sources: ['192.0.2.0/24']
  tlsNames: [sip.pstnhub.microsoft.com]
options: { intervalMs: 3600000 }
failover: { noAnswerMs: 8000 }
tenants:
  - id: ${S.tenantId}
    teamsSubdomain: ${S.tenantId}
    trunks:
      - { id: itsp, name: itsp, kind: itsp, host: ${S.itsp.host}, port: ${S.itsp.port}, ping: false }
    numberRanges:
      - { first: '${queueNumbers.first}', last: '${queueNumbers.last}', purpose: queue }
`;

/** A 16-bit PCM 8 kHz mono WAV of `ms` milliseconds. */
export function writePrompt(dir: string, name: string, ms: number): void {
  const pcm = Int16Array.from({ length: (ms * 8000) / 1000 }, (_, i) => ((i * 37) % 20000) - 10000);
  const wav = new WaveFile();
  wav.fromScratch(1, 8000, '16', pcm);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), wav.toBuffer());
}

/**
 * Starts the API, lets `configure` create the tenant's configuration over REST, then starts the
 * SBC, "Teams" and the routing service (which loads that configuration at start). `prompts` are
 * written (WAV, 10 s) to the directory both the API (flow checks) and the SBC (playback) read.
 */
export async function startRoutingStack(o: {
  prompts: string[];
  /** `embedded`: a media engine in the SBC; `bus`: a media-worker process over the bus. */
  media: 'embedded' | 'bus';
  queueNumbers: { first: string; last: string };
  configure(api: TestApi, key: string): Promise<void>;
}): Promise<RoutingStack> {
  buildDist();
  const dir = mkdtempSync(join(tmpdir(), 'ccx-routing-e2e-'));
  const promptDir = join(dir, 'prompts');
  for (const p of o.prompts) writePrompt(promptDir, p, 10_000);
  const ca = makeTestCa(join(dir, 'ca'));
  const teamsCert = ca.issue(['sip.pstnhub.microsoft.com']);
  const sbcCert = ca.issue(['*.sbc.example']);

  const started: { api?: TestApi; bus?: EventBus; children: Child[]; relay?: KamailioRelay } = {
    children: [],
  };
  const logs = () =>
    started.children
      .map(
        (c, i) =>
          `\n--- process ${i} (exit ${c.process.exitCode})\n${c.lines.slice(-40).join('\n')}`,
      )
      .join('') + (started.relay ? `\n--- kamailio\n${started.relay.log().slice(-4000)}` : '');
  const close = async () => {
    await Promise.all(started.children.map((c) => stopChild(c)));
    await started.relay?.stop();
    await started.bus?.close();
    await started.api?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const api = await startTestApi('postgres', { API_PROMPT_DIR: promptDir });
    started.api = api;
    const key = await api.createTenant(S.tenantId);
    await o.configure(api, key);
    const bus = openTestBus({ prefix: api.config.BUS_PREFIX, source: 'e2e' });
    started.bus = bus;
    const common = {
      REDIS_URL: redisUrl(),
      BUS_PREFIX: api.config.BUS_PREFIX,
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
    };

    if (o.media === 'bus') {
      started.children.push(
        startChild('apps/media-worker/src/main.js', {
          ...common,
          INSTANCE_ID: 'mw-routing-e2e',
          MEDIA_HTTP_PORT: String(S.mediaHttp),
          MEDIA_RTP_BIND: S.sbc.host,
          MEDIA_PORT_MIN: String(S.rtp.min),
          MEDIA_PORT_MAX: String(S.rtp.max),
          MEDIA_STATUS_INTERVAL_MS: '500',
          MEDIA_PROMPT_DIR: promptDir,
          MEDIA_RECORDING_DIR: join(dir, 'recordings'),
        }),
      );
    }
    const yaml = join(dir, 'sbc.yaml');
    writeFileSync(yaml, sbcYaml(o.queueNumbers));
    const sbc = startChild(
      'apps/sbc/src/main.js',
      {
        ...common,
        INSTANCE_ID: S.sbcId,
        SBC_HTTP_PORT: String(S.sbc.http),
        SBC_SIP_LISTEN: `udp:${S.sbc.host}:${S.sbc.udp},tls:${S.sbc.host}:${S.sbc.tls}`,
        SBC_TLS_CERT: sbcCert.certPath,
        SBC_TLS_KEY: sbcCert.keyPath,
        SBC_TLS_CA: ca.caPath,
        SBC_MEDIA: o.media,
        SBC_RTP_BIND: S.sbc.host,
        SBC_RTP_PORT_MIN: String(S.rtp.min),
        SBC_RTP_PORT_MAX: String(S.rtp.max),
        SBC_PROMPT_DIR: promptDir,
        SBC_RECORDING_DIR: join(dir, 'recordings'),
      },
      ['--config', yaml],
    );
    started.children.push(sbc);
    await sbc.waitForLine(/SIP listening/, 30_000);
    if (o.media === 'bus') {
      await waitFor(
        'the SBC to see the media worker',
        async () => {
          const res = await fetch(`http://127.0.0.1:${S.sbc.http}/media/workers`).catch(
            () => undefined,
          );
          return res ? ((await res.json()) as { workers: unknown[] }).workers.length > 0 : false;
        },
        20_000,
      );
    }
    // "Teams" starts after the SBC's first OPTIONS (at start-up) has failed, so no OPTIONS is
    // ever relayed to the SIPp UAS playing the agents (the next one is an hour away).
    started.relay = await startKamailioTlsRelay({
      tlsListen: S.teams.tls,
      udpListen: S.teams.udp,
      forwardUdp: S.agentUas,
      forwardTls: { host: S.sbc.host, port: S.sbc.tls, servername: `${S.tenantId}.sbc.example` },
      cert: teamsCert.certPath,
      key: teamsCert.keyPath,
      ca: ca.caPath,
      workdir: join(dir, 'kamailio'),
    });

    const routing = startChild('apps/routing/src/main.js', {
      ...common,
      INSTANCE_ID: 'routing-e2e',
      DATABASE_URL: api.db.url,
      ROUTING_HTTP_PORT: String(S.routingHttp),
      ROUTING_INTERVAL_FLUSH_MS: '300',
      ROUTING_STATS_PUSH_MS: '500',
      // Callers who give up after half a second count as abandoned (not short abandons).
      ROUTING_SHORT_ABANDON_MS: '500',
    });
    started.children.push(routing);
    await routing.waitForLine(/routing started/, 30_000);
    return { api, key, bus, sbc, routing, relay: started.relay, logs, close };
  } catch (err) {
    const message = `${(err as Error).message}${logs()}`;
    await close();
    throw new Error(message);
  }
}

/** What the routing service says it routes for the tenant (GET /routing/status). */
export async function routingStatus(): Promise<
  { queues: number; agents: number; flows: number; configErrors: unknown[] } | undefined
> {
  const res = await fetch(`http://127.0.0.1:${S.routingHttp}/routing/status`).catch(
    () => undefined,
  );
  if (!res?.ok) return undefined;
  const body = (await res.json()) as {
    tenants: {
      tenantId: string;
      queues: number;
      agents: number;
      flows: number;
      configErrors: unknown[];
    }[];
  };
  return body.tenants.find((t) => t.tenantId === S.tenantId);
}

/** Waits until the routing service runs with at least these counts. */
export async function waitForRouting(want: { queues: number; agents: number; flows: number }) {
  await waitFor(
    `the routing service to load ${JSON.stringify(want)}`,
    async () => {
      const s = await routingStatus();
      return (
        s !== undefined &&
        s.queues >= want.queues &&
        s.agents >= want.agents &&
        s.flows >= want.flows
      );
    },
    20_000,
  );
}
