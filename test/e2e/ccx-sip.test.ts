import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..', '..');
const fixture = (kind: string, name: string): Buffer =>
  readFileSync(join(root, 'libs', 'sip', 'src', 'fixtures', kind, `${name}.sip`));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `node bin/ccx.js sip parse`, with `input` on its stdin. */
async function ccx(args: string[], input: Buffer): Promise<Result> {
  const child = spawn(process.execPath, [join(root, 'bin', 'ccx.js'), 'sip', ...args], {
    cwd: root,
    env: { ...process.env, CCX_REBUILD: '0' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => undefined);
  const done = new Promise<number | null>((ok) => child.on('close', ok));
  child.stdin.end(input);
  return { code: await done, stdout, stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--quiet'], { cwd: root });
}, 120_000);

describe('ccx sip parse (real process, piped stdin)', () => {
  it('prints the RFC 4475 short tortuous INVITE as JSON with parsed common headers', async () => {
    const r = await ccx(['parse'], fixture('valid', 'wsinv'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as {
      startLine: Record<string, unknown>;
      headers: { name: string; value: string; parsed?: Record<string, unknown> }[];
      body: string;
    };
    expect(json.startLine).toMatchObject({
      type: 'request',
      method: 'INVITE',
      rawUri: 'sip:vivekg@chair-dnrc.example.com;unknownparam',
      uri: {
        scheme: 'sip',
        user: 'vivekg',
        host: 'chair-dnrc.example.com',
        params: { unknownparam: null },
      },
    });
    expect(json.headers.map((h) => h.name).slice(0, 8)).toEqual([
      'To',
      'From',
      'Max-Forwards',
      'Call-ID',
      'Content-Length',
      'CSeq',
      'Via',
      'Subject',
    ]);
    expect(json.headers[1]).toEqual({
      name: 'From',
      value: '"J Rosenberg \\\\\\""       <sip:jdrosen@example.com> ; tag = 98asjd8',
      parsed: {
        kind: 'name-addr',
        addr: {
          displayName: 'J Rosenberg \\"',
          uri: { scheme: 'sip', user: 'jdrosen', host: 'example.com', params: {}, headers: {} },
          params: { tag: '98asjd8' },
        },
      },
    });
    expect(json.headers.find((h) => h.name === 'CSeq')?.parsed).toEqual({
      kind: 'cseq',
      cseq: { seq: 9, method: 'INVITE' },
    });
    expect(json.headers.find((h) => h.name === 'NewFangledHeader')).toEqual({
      name: 'NewFangledHeader',
      value: 'newfangled value continued newfangled value',
    });
    expect(json.body).toMatch(/^v=0\r\no=mhandley/);
    expect(json.body.length).toBe(150);
  });

  it('prints a response status line', async () => {
    const r = await ccx(['parse'], fixture('valid', 'noreason'));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      startLine: { type: 'response', version: 'SIP/2.0', status: 100, reason: '' },
      body: '',
    });
  });

  it('an invalid message: its reason on one line, exit 1, nothing on stdout', async () => {
    const cases: [string, string][] = [
      ['mismatch01', 'ccx: CSeq method INVITE does not match OPTIONS\n'],
      ['clerr', 'ccx: body shorter than Content-Length 9999\n'],
      ['badvers', 'ccx: unsupported SIP version: SIP/7.0\n'],
    ];
    for (const [name, reason] of cases) {
      const r = await ccx(['parse'], fixture('invalid', name));
      expect({ name, code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({
        name,
        code: 1,
        stderr: reason,
        stdout: '',
      });
    }
    const empty = await ccx(['parse'], Buffer.alloc(0));
    expect({ code: empty.code, stderr: empty.stderr }).toEqual({
      code: 1,
      stderr: 'ccx: no blank line after the headers\n',
    });
    const huge = await ccx(['parse'], Buffer.alloc(200_000, 0x41));
    expect({ code: huge.code, stderr: huge.stderr }).toEqual({
      code: 1,
      stderr: 'ccx: message too large\n',
    });
  });
});
