import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createResponse, type SipAddress } from '@ccx/sip';
import { makeTestCa, type IssuedCert, type TestCa } from '../../support/test-ca';
import { closeAll, optionsRequest, startLayer } from './transport-support';

let dir: string;
let ca: TestCa;
let sbcCert: IssuedCert;
let teamsCert: IssuedCert;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccx-sip-tls-'));
  ca = makeTestCa(dir);
  sbcCert = ca.issue(['sbc.example.test', '*.sbc.example.test']);
  teamsCert = ca.issue(['sip.pstnhub.microsoft.com', 'sip-all.pstnhub.microsoft.com']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(closeAll);

const sbc = (host = '127.0.0.1') =>
  startLayer([{ protocol: 'tls', host, port: 0 }], {
    tls: { key: sbcCert.key, cert: sbcCert.cert, ca: ca.caCert },
  });
const teams = (host = '127.0.0.1') =>
  startLayer([{ protocol: 'tls', host, port: 0 }], {
    tls: { key: teamsCert.key, cert: teamsCert.cert, ca: ca.caCert },
  });
const tlsTarget = (a: SipAddress | undefined, servername: string) => {
  if (!a) throw new Error('no listener');
  return { ...a, servername };
};

describe('SIP transport over TLS (test CA)', () => {
  it.each(['127.0.0.1', '::1'])(
    'mutual TLS on %s: the server sees the client certificate names, the client verifies SNI',
    async (host) => {
      const server = await sbc(host);
      const client = await teams(host);
      const target = tlsTarget(server.layer.addresses()[0], 'acme.sbc.example.test');
      const sent = await client.layer.send(
        optionsRequest('SIP/2.0/TLS sip.pstnhub.microsoft.com'),
        target,
      );
      expect(sent.connectionId).toMatch(/^tls-/);
      const rx = await server.received.next();
      expect(rx.tls).toMatchObject({
        authorized: true,
        names: ['sip.pstnhub.microsoft.com', 'sip-all.pstnhub.microsoft.com'],
      });
      expect(rx.tls?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

      await server.layer.send(createResponse(rx.message, 200), {
        ...rx.source,
        connectionId: rx.connectionId,
      });
      const answer = await client.received.next();
      expect(answer.message.startLine).toMatchObject({ status: 200 });
      expect(answer.connectionId).toBe(sent.connectionId);
      expect(answer.tls?.names).toContain('*.sbc.example.test');
    },
  );

  it('refuses a server whose certificate does not cover the servername', async () => {
    const server = await sbc();
    const client = await teams();
    const target = tlsTarget(server.layer.addresses()[0], 'sip.other.example.test');
    await expect(
      client.layer.send(optionsRequest('SIP/2.0/TLS sip.pstnhub.microsoft.com'), target),
    ).rejects.toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(client.layer.connectionCount).toBe(0);
  });

  it('refuses a server signed by a CA the client does not trust', async () => {
    const other = makeTestCa(join(dir, 'other'), 'untrusted CA');
    const rogue = other.issue(['sbc.example.test'], { file: 'rogue' });
    const server = await startLayer([{ protocol: 'tls', host: '127.0.0.1', port: 0 }], {
      tls: { key: rogue.key, cert: rogue.cert, ca: ca.caCert },
    });
    const client = await teams();
    await expect(
      client.layer.send(
        optionsRequest('SIP/2.0/TLS sip.pstnhub.microsoft.com'),
        tlsTarget(server.layer.addresses()[0], 'sbc.example.test'),
      ),
    ).rejects.toThrow();
  });

  it('accepts a client with an untrusted certificate but marks it unauthorized', async () => {
    const other = makeTestCa(join(dir, 'other2'), 'untrusted CA');
    const rogue = other.issue(['sip.pstnhub.microsoft.com'], { file: 'rogue-client' });
    const server = await sbc();
    const client = await startLayer([{ protocol: 'tls', host: '127.0.0.1', port: 0 }], {
      tls: { key: rogue.key, cert: rogue.cert, ca: ca.caCert },
    });
    await client.layer.send(
      optionsRequest('SIP/2.0/TLS sip.pstnhub.microsoft.com'),
      tlsTarget(server.layer.addresses()[0], 'sbc.example.test'),
    );
    const rx = await server.received.next();
    expect(rx.tls).toMatchObject({ authorized: false, names: ['sip.pstnhub.microsoft.com'] });
  });

  it('reuses an inbound TLS connection for a named target only when the peer certificate covers it', async () => {
    const server = await sbc();
    const client = await teams();
    const sent = await client.layer.send(
      optionsRequest('SIP/2.0/TLS sip.pstnhub.microsoft.com'),
      tlsTarget(server.layer.addresses()[0], 'sbc.example.test'),
    );
    const rx = await server.received.next();
    const back = await server.layer.send(optionsRequest('SIP/2.0/TLS sbc.example.test'), {
      ...rx.source,
      servername: 'sip-all.pstnhub.microsoft.com',
    });
    expect(back.connectionId).toBe(rx.connectionId);
    expect((await client.received.next()).connectionId).toBe(sent.connectionId);
  });
});
