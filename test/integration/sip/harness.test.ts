// The real-peer harness proves itself without the SBC: SIPp to SIPp over UDP for each scenario
// pair, and a call that crosses TLS through two Kamailio relays with the test CA
// (SIPp UAC -UDP-> relay A -TLS-> relay B -UDP-> SIPp UAS). Ports 35100-35199 on loopback.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  kamailioTlsInstalled,
  startKamailioTlsRelay,
  type KamailioRelay,
} from '../../support/kamailio';
import { sippInstalled, startSipp, type SippHandle, type SippResult } from '../../support/sipp';
import { makeTestCa } from '../../support/test-ca';

const HOST = '127.0.0.1';
const at = (port: number) => ({ host: HOST, port });

describe.skipIf(!sippInstalled())('SIPp harness', () => {
  const running: SippHandle[] = [];
  const relays: KamailioRelay[] = [];
  const dirs: string[] = [];

  afterEach(async () => {
    for (const s of running.splice(0)) s.kill();
    for (const r of relays.splice(0)) await r.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /** Runs `uas` on `uasPort` and `uac` against `target`, returns both results. */
  async function pair(
    uac: string,
    uas: string,
    ports: { uas: number; uac: number; target?: number },
  ): Promise<{ uac: SippResult; uas: SippResult }> {
    const server = await startSipp({
      scenario: uas,
      local: at(ports.uas),
      timeoutMs: 20_000,
      traceMessages: true,
    });
    running.push(server);
    const client = await startSipp({
      scenario: uac,
      local: at(ports.uac),
      remote: `${HOST}:${ports.target ?? ports.uas}`,
      calleeHost: `${HOST}:${ports.target ?? ports.uas}`,
      service: '+4989123456',
      caller: '+493012345678',
      timeoutMs: 20_000,
      traceMessages: true,
    });
    running.push(client);
    const [c, s] = await Promise.all([client.done, server.done]);
    return { uac: c, uas: s };
  }

  const expectOk = (r: { uac: SippResult; uas: SippResult }) => {
    expect(
      { code: r.uac.exitCode, ok: r.uac.successful, failed: r.uac.failed },
      r.uac.output,
    ).toEqual({ code: 0, ok: 1, failed: 0 });
    expect(
      { code: r.uas.exitCode, ok: r.uas.successful, failed: r.uas.failed },
      r.uas.output,
    ).toEqual({ code: 0, ok: 1, failed: 0 });
  };

  it('completes a call between uac-call.xml and uas-answer.xml over UDP', async () => {
    expectOk(await pair('uac-call.xml', 'uas-answer.xml', { uas: 35100, uac: 35101 }));
  });

  it.each([
    ['503', 'uas-503.xml'],
    ['603', 'uas-603.xml'],
    ['486', 'uas-486.xml'],
  ])('expects a %s refusal with its ACK', async (code, uas) => {
    expectOk(await pair(`uac-expect-${code}.xml`, uas, { uas: 35102, uac: 35103 }));
  });

  it('cancels a ringing call (200 for the CANCEL, 487 and its ACK)', async () => {
    expectOk(await pair('uac-cancel.xml', 'uas-ring.xml', { uas: 35104, uac: 35105 }));
  });

  it('holds with a=inactive and resumes', async () => {
    const r = await pair('uac-hold.xml', 'uas-hold.xml', { uas: 35106, uac: 35107 });
    expectOk(r);
    expect(r.uas.output).toMatch(/a=inactive/);
  });

  it('fails a call whose final response is not the expected one', async () => {
    const r = await pair('uac-expect-488.xml', 'uas-603.xml', { uas: 35108, uac: 35109 });
    expect(r.uac.exitCode).toBe(1);
    expect(r.uac.failed).toBe(1);
  });

  it.skipIf(!kamailioTlsInstalled())(
    'crosses TLS through two Kamailio relays with the test CA',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ccx-kam-'));
      dirs.push(dir);
      const ca = makeTestCa(join(dir, 'ca'));
      const teams = ca.issue([
        'sip.pstnhub.microsoft.com',
        'sip2.pstnhub.microsoft.com',
        'sip3.pstnhub.microsoft.com',
      ]);
      const sbc = ca.issue(['*.sbc.example'], { ips: [HOST] });
      // A: "Teams calling us" (UDP from the SIPp UAC, TLS out to B); B: "the Teams proxy" in
      // front of the SIPp UAS (TLS in, UDP out).
      const a = await startKamailioTlsRelay({
        tlsListen: at(35120),
        udpListen: at(35121),
        forwardUdp: at(35131),
        forwardTls: { ...at(35122), servername: 'sip.pstnhub.microsoft.com' },
        cert: sbc.certPath,
        key: sbc.keyPath,
        ca: ca.caPath,
        workdir: join(dir, 'a'),
      });
      relays.push(a);
      const b = await startKamailioTlsRelay({
        tlsListen: at(35122),
        udpListen: at(35123),
        forwardUdp: at(35130),
        forwardTls: { ...at(35120), servername: 'acme.sbc.example' },
        cert: teams.certPath,
        key: teams.keyPath,
        ca: ca.caPath,
        workdir: join(dir, 'b'),
      });
      relays.push(b);
      const r = await pair('uac-call.xml', 'uas-answer.xml', {
        uas: 35130,
        uac: 35131,
        target: 35121,
      });
      const logs = `\n--- relay A\n${a.log()}\n--- relay B\n${b.log()}`;
      expect(r.uac.exitCode, r.uac.output + logs).toBe(0);
      expect(r.uas.exitCode, r.uas.output + logs).toBe(0);
      expect(b.log()).toMatch(/relay INVITE from tls:/);
      expect(b.log()).toMatch(/relay BYE from tls:/);
      // Both relays Record-Routed, so the UAS saw four Record-Route entries (two per relay).
      expect(r.uas.output).toMatch(/Record-Route: .*35122;transport=tls/i);
    },
  );
});
