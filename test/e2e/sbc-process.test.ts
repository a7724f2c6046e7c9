// The SBC as it runs: the built process started with `--config <yaml>` (alone, no database), media
// anchored on a separate media-worker process over the bus, call events on the bus, SIGHUP reload;
// SIPp plays the ITSP and the PBX.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyEvent } from '@ccx/contracts';
import type { EventBus } from '@ccx/event-bus';
import { busPool, waitFor } from '../support/bus';
import { buildDist, startChild, stopChild, type Child } from '../support/child';
import { redisUrl } from '../support/redis';
import { sippOk, startSipp } from '../support/sipp';

const SIP_PORT = 35600;
const HTTP_PORT = 35610;
const ITSP = { host: '127.0.0.2', port: 35601 };
const PBX = { host: '127.0.0.3', port: 35602 };

const yaml = (withRange: boolean) => `
# SIPp may still be starting when the first INVITE leaves: leave room for retransmissions.
failover: { noAnswerMs: 8000 }
tenants:
  - id: acme
    trunks:
      # No OPTIONS: SIPp would take a late OPTIONS retransmission as its one call (-m 1).
      - { id: itsp, name: itsp, kind: itsp, host: ${ITSP.host}, port: ${ITSP.port}, ping: false }
      - { id: pbx, name: pbx, kind: pbx, host: ${PBX.host}, port: ${PBX.port}, ping: false }
    numberRanges:
      - { first: '+4930123500', last: '+4930123500', purpose: queue }
${withRange ? "      - { first: '+4930123400', last: '+4930123499', trunkId: pbx }" : "      - { first: '+4930999900', last: '+4930999999', trunkId: pbx }"}
`;

describe('the sbc process with --config and a media worker', () => {
  const pool = busPool('sbcproc');
  let bus: EventBus;
  let sbc: Child;
  let media: Child;
  let file: string;
  const events: AnyEvent[] = [];

  beforeAll(async () => {
    buildDist();
    bus = pool.open();
    await bus.subscribe('e2e-calls', ['call.offered', 'call.answered', 'call.ended'], async (e) => {
      events.push(e);
    });
    const common = { REDIS_URL: redisUrl(), BUS_PREFIX: pool.prefix, LOG_LEVEL: 'info' };
    media = startChild('apps/media-worker/src/main.js', {
      ...common,
      MEDIA_HTTP_PORT: '35611',
      MEDIA_PORT_MIN: '36000',
      MEDIA_PORT_MAX: '36199',
      MEDIA_STATUS_INTERVAL_MS: '500',
      INSTANCE_ID: 'mw-e2e',
    });
    file = join(mkdtempSync(join(tmpdir(), 'ccx-sbc-')), 'sbc.yaml');
    writeFileSync(file, yaml(true));
    sbc = startChild(
      'apps/sbc/src/main.js',
      {
        ...common,
        SBC_HTTP_PORT: String(HTTP_PORT),
        SBC_SIP_LISTEN: `udp:127.0.0.1:${SIP_PORT}`,
        INSTANCE_ID: 'sbc-e2e',
      },
      ['--config', file],
    );
    await sbc.waitForLine(/SIP listening/);
    // The SBC hands calls to a media worker once it has seen the worker's status.
    await waitFor(
      'the SBC to see the media worker',
      async () => {
        const res = await fetch(`http://127.0.0.1:${HTTP_PORT}/media/workers`).catch(
          () => undefined,
        );
        return res ? ((await res.json()) as { workers: unknown[] }).workers.length > 0 : false;
      },
      15_000,
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all([sbc && stopChild(sbc), media && stopChild(media)]);
    await pool.closeAll();
  });

  it('carries a call with media anchored on the worker and publishes its events', async () => {
    const pbx = await startSipp({
      scenario: 'uas-answer.xml',
      local: PBX,
      transport: 'u1',
      timeoutMs: 20_000,
    });
    const itsp = await startSipp({
      scenario: 'uac-call.xml',
      local: ITSP,
      remote: `127.0.0.1:${SIP_PORT}`,
      transport: 'u1',
      service: '+4930123401',
      caller: '+4940111222',
      timeoutMs: 20_000,
    });
    await sippOk(itsp);
    await sippOk(pbx);
    await waitFor(
      'call.ended on the bus',
      async () => events.some((e) => e.name === 'call.ended'),
      10_000,
    );
    const offered = events.find((e) => e.name === 'call.offered');
    const ended = events.find((e) => e.name === 'call.ended');
    expect(offered).toMatchObject({
      tenantId: 'acme',
      data: { direction: 'inbound', sbcId: 'sbc-e2e', trunkId: 'itsp' },
    });
    expect(ended?.callId).toBe(offered?.callId);
    expect(ended).toMatchObject({
      data: {
        reason: 'normal',
        q850Cause: 16,
        cdr: { ingress: 'itsp', egress: 'pbx', mediaWorkerId: 'mw-e2e' },
      },
    });
    // Events of one call are numbered in order.
    expect(events.filter((e) => e.callId === offered?.callId).map((e) => e.seq)).toEqual([1, 3, 4]);
    const status = (await (await fetch(`http://127.0.0.1:${HTTP_PORT}/sip/status`)).json()) as {
      calls: number;
    };
    expect(status.calls).toBe(0);
  }, 40_000);

  it('takes sbc.connect and sbc.hangup from routing over the bus, addressed to its sbcId', async () => {
    const agent = await startSipp({
      scenario: 'uas-answer.xml',
      local: PBX,
      transport: 'u1',
      timeoutMs: 20_000,
    });
    const customer = await startSipp({
      scenario: 'uac-wait-bye.xml',
      local: ITSP,
      remote: `127.0.0.1:${SIP_PORT}`,
      transport: 'u1',
      service: '+4930123500',
      timeoutMs: 20_000,
    });
    await waitFor('the queue call on the bus', () =>
      events.some((e) => e.name === 'call.offered' && e.data.to.number === '+4930123500'),
    );
    const offered = events.find(
      (e) => e.name === 'call.offered' && e.data.to.number === '+4930123500',
    );
    const target = offered?.name === 'call.offered' ? offered.data.sbcId : undefined;
    expect(target).toBe('sbc-e2e');
    const callId = offered?.callId ?? '';
    const connected = await bus.command(
      'sbc.connect',
      {
        tenantId: 'acme',
        requestId: 'c1',
        callId,
        target: { kind: 'sip-uri', uri: `sip:agent@${PBX.host}:${PBX.port}` },
      },
      { target, timeoutMs: 5_000 },
    );
    expect(connected).toEqual({ accepted: true });
    await waitFor('the agent to answer', () =>
      events.some((e) => e.name === 'call.answered' && e.callId === callId),
    );
    const hungUp = await bus.command(
      'sbc.hangup',
      { tenantId: 'acme', requestId: 'h1', callId },
      { target, timeoutMs: 5_000 },
    );
    expect(hungUp).toEqual({ ended: true });
    await sippOk(customer);
    await sippOk(agent);
  }, 40_000);

  it('reloads the file on SIGHUP: a number taken out of the ranges is refused with 404', async () => {
    writeFileSync(file, yaml(false));
    sbc.process.kill('SIGHUP');
    await sbc.waitForLine(/SBC settings reloaded/);
    const itsp = await startSipp({
      scenario: 'uac-expect-404.xml',
      local: ITSP,
      remote: `127.0.0.1:${SIP_PORT}`,
      transport: 'u1',
      service: '+4930123401',
      timeoutMs: 20_000,
    });
    await sippOk(itsp);
  }, 30_000);
});
