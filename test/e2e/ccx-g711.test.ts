import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'g711');
const fixture = (name: string): Buffer => readFileSync(join(fixtures, name));

interface Result {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the real `node bin/ccx.js g711 ...`, writing `input` to its stdin in the given pieces. */
async function ccx(args: string[], input: Buffer[] = []): Promise<Result> {
  const child = spawn(process.execPath, [join(root, 'bin', 'ccx.js'), 'g711', ...args], {
    cwd: root,
    env: { ...process.env, CCX_REBUILD: '0' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined); // the process may exit before reading (usage error)
  const done = new Promise<number | null>((ok) => child.on('close', ok));
  for (const piece of input) {
    child.stdin.write(piece);
    await sleep(20); // separate reads on the other side, so samples split across chunks
  }
  child.stdin.end();
  return { code: await done, stdout: Buffer.concat(out), stderr };
}

/** Every 16-bit sample as little-endian bytes, index = unsigned 16-bit pattern (fixture order). */
function everySample(): Buffer {
  const b = Buffer.alloc(131072);
  for (let i = 0; i < 65536; i++) b.writeUInt16LE(i, 2 * i);
  return b;
}
const everyCode = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], { cwd: root });
}, 120_000);

describe('ccx g711 (real process, piped stdin)', () => {
  it('encodes a pcm16 file of every sample exactly as the G.191 reference, split mid-sample', async () => {
    const pcm = everySample();
    const pieces = [pcm.subarray(0, 3), pcm.subarray(3, 70001), pcm.subarray(70001)];
    const alaw = await ccx(['--from', 'pcm16', '--to', 'alaw'], pieces);
    expect(alaw.code).toBe(0);
    expect(alaw.stdout.equals(fixture('alaw-compress.bin'))).toBe(true);
    const ulaw = await ccx(['--from', 'pcm16', '--to', 'ulaw'], pieces);
    expect(ulaw.code).toBe(0);
    expect(ulaw.stdout.equals(fixture('ulaw-compress.bin'))).toBe(true);
  });

  it('decodes every code and converts every code by the G.711 tables', async () => {
    const cases: [string, string, string][] = [
      ['alaw', 'pcm16', 'alaw-expand.bin'],
      ['ulaw', 'pcm16', 'ulaw-expand.bin'],
      ['alaw', 'ulaw', 'alaw-to-ulaw.bin'],
      ['ulaw', 'alaw', 'ulaw-to-alaw.bin'],
    ];
    for (const [from, to, expected] of cases) {
      const r = await ccx(['--from', from, '--to', to], [everyCode]);
      expect({ from, to, code: r.code, same: r.stdout.equals(fixture(expected)) }).toEqual({
        from,
        to,
        code: 0,
        same: true,
      });
    }
  });

  it('round-trips every code through pcm16 (µ-law negative zero 0x7f comes back as 0xff)', async () => {
    for (const law of ['alaw', 'ulaw']) {
      const pcm = await ccx(['--from', law, '--to', 'pcm16'], [everyCode]);
      const back = await ccx(['--from', 'pcm16', '--to', law], [pcm.stdout]);
      const expected = Buffer.from(everyCode);
      if (law === 'ulaw') expected[0x7f] = 0xff;
      expect(back.stdout.equals(expected)).toBe(true);
    }
  });

  it('copies on identity conversions', async () => {
    const bytes = Buffer.from([1, 2, 3, 4, 250, 251]);
    for (const f of ['pcm16', 'alaw', 'ulaw']) {
      const r = await ccx(['--from', f, '--to', f], [bytes.subarray(0, 1), bytes.subarray(1)]);
      expect(r.code).toBe(0);
      expect(r.stdout.equals(bytes)).toBe(true);
    }
  });

  it('bad arguments and an odd pcm16 byte count: one line on stderr, exit 2', async () => {
    const bad = [
      ['--from', 'pcm8', '--to', 'alaw'],
      ['--from', 'alaw'],
      ['--to', 'alaw'],
      [],
      ['--from', 'alaw', '--to', 'ulaw', 'extra'],
      ['--from', 'alaw', '--to', 'ulaw', '--rate', '16000'],
    ];
    for (const args of bad) {
      const r = await ccx(args, [everyCode]);
      expect({ args, code: r.code, lines: r.stderr.trimEnd().split('\n').length }).toEqual({
        args,
        code: 2,
        lines: 1,
      });
      expect(r.stdout.length).toBe(0);
    }
    const odd = await ccx(['--from', 'pcm16', '--to', 'alaw'], [Buffer.from([1, 2, 3])]);
    expect(odd.code).toBe(2);
    expect(odd.stderr).toBe('ccx: pcm16 input has an odd number of bytes\n');
    expect(odd.stdout.equals(fixture('alaw-compress.bin').subarray(0x0201, 0x0202))).toBe(true);
  });
});
