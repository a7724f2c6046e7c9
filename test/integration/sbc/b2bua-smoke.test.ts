// First light: SIPp (built-in uac) → B2BUA (real sockets, media on a real engine) → SIPp (built-in uas).
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startSbcStack, type SbcStack } from '../../support/sbc-stack';

function sipp(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn('sipp', [...args, '-nostdin', '-timeout', `${Math.ceil(timeoutMs / 1000)}s`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => resolve({ code, out }));
  });
}

let stack: SbcStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('B2BUA smoke', () => {
  it('relays a call from an ITSP trunk to a PBX trunk', async () => {
    stack = await startSbcStack({
      listen: [{ protocol: 'udp', host: '127.0.0.1', port: 35260 }],
      settings: {
        tenants: [
          {
            id: 'acme',
            trunks: [
              {
                id: 'itsp',
                name: 'itsp',
                kind: 'itsp',
                host: '127.0.0.2',
                port: 35261,
                transport: 'udp',
              },
              {
                id: 'pbx',
                name: 'pbx',
                kind: 'pbx',
                host: '127.0.0.3',
                port: 35262,
                transport: 'udp',
              },
            ],
            numberRanges: [{ first: '+4930123400', last: '+4930123499', trunkId: 'pbx' }],
          },
        ],
      },
    });
    const uas = sipp(['-sn', 'uas', '-i', '127.0.0.3', '-p', '35262', '-m', '1']);
    const uac = await sipp([
      '-sn',
      'uac',
      '-i',
      '127.0.0.2',
      '-p',
      '35261',
      '-s',
      '+4930123401',
      '-m',
      '1',
      '-d',
      '200',
      '127.0.0.1:35260',
    ]);
    const done = await uas;
    if (uac.code !== 0) console.log(uac.out.slice(-3000));
    expect(uac.code).toBe(0);
    expect(done.code).toBe(0);
    expect(stack.events.map((e) => e.name)).toEqual([
      'call.offered',
      'call.ringing',
      'call.answered',
      'call.ended',
    ]);
    const ended = stack.events.at(-1)?.data as { q850Cause: number; cdr: Record<string, unknown> };
    expect(ended.q850Cause).toBe(16);
    expect(ended.cdr).toMatchObject({
      direction: 'inbound',
      ingress: 'itsp',
      egress: 'pbx',
      endedBy: 'caller',
      attempts: 1,
    });
    expect(stack.b2bua.activeCalls).toBe(0);
    expect(stack.b2bua.activeDialogs).toBe(0);
  }, 30_000);
});
