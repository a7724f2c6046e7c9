import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropKeys } from '../support/redis';

const root = resolve(__dirname, '..', '..');
const ports = { api: 4300, sbc: 4310, media: 4320, routing: 4330, presence: 4340, pg: 4359 };
const healthPorts = [ports.api, ports.sbc, ports.media, ports.routing, ports.presence];

let launcher: ChildProcess;
let output = '';

function waitFor(text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolveWait, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`"${text}" not printed in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const check = () => {
      if (output.includes(text)) {
        clearTimeout(timer);
        resolveWait();
      } else if (launcher.exitCode !== null) {
        clearTimeout(timer);
        reject(new Error(`launcher exited (${launcher.exitCode}):\n${output}`));
      } else setTimeout(check, 100);
    };
    check();
  });
}

/** The demo tenant's key, as printed by the launcher. */
const demoKey = () => /API key: (ccx_demo_\S+)/.exec(output)?.[1] ?? '';
const operatorKey = () => /Operator key\s+(\S+)/.exec(output)?.[1] ?? '';

/** Runs the real `ccx` bin against the started API. */
function ccx(
  key: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(
      process.execPath,
      [
        join(root, 'bin', 'ccx.js'),
        '--api',
        `http://127.0.0.1:${ports.api}`,
        '--key',
        key,
        ...args,
      ],
      {
        env: { ...process.env, CCX_REBUILD: '0' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolveRun({ code, stdout, stderr }));
  });
}

const BUS_PREFIX = `e2e${process.pid}`;

describe('npm start', () => {
  beforeAll(async () => {
    launcher = spawn(process.execPath, [join(root, 'scripts', 'start.mjs')], {
      cwd: root,
      env: {
        ...process.env,
        CCX_DATA_DIR: mkdtempSync(join(tmpdir(), 'ccx-start-')),
        API_HTTP_PORT: String(ports.api),
        SBC_HTTP_PORT: String(ports.sbc),
        MEDIA_HTTP_PORT: String(ports.media),
        ROUTING_HTTP_PORT: String(ports.routing),
        PRESENCE_HTTP_PORT: String(ports.presence),
        EMBEDDED_PG_PORT: String(ports.pg),
        DATABASE_URL: '',
        BUS_PREFIX,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    launcher.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitFor('ccx is running', 120_000);
  }, 150_000);

  afterAll(async () => {
    if (launcher.exitCode === null) {
      launcher.kill('SIGINT');
      await new Promise((r) => launcher.once('exit', r));
    }
    // The services' keys (bus, live configuration, presence) on the shared Redis.
    await dropKeys(`${BUS_PREFIX}:`);
  });

  it('prints where every service listens and they are all healthy', async () => {
    for (const port of healthPorts) {
      expect(output).toContain(`http://127.0.0.1:${port}/health`);
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('ok');
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('process_cpu_user_seconds_total');
    }
    expect(output).toContain(`127.0.0.1:${ports.pg}`);
  });

  it('seeds a demo tenant whose printed key works on the API', async () => {
    expect(demoKey()).not.toBe('');
    const res = await fetch(`http://127.0.0.1:${ports.api}/v1/trunks`, {
      headers: { authorization: `Bearer ${demoKey()}` },
    });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: { name: string }[] };
    expect(page.items.map((t) => t.name).sort()).toEqual(['itsp-de', 'teams']);
  });

  it('serves the OpenAPI document at /docs', async () => {
    const doc = (await (await fetch(`http://127.0.0.1:${ports.api}/docs/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/v1/trunks');
    expect(
      (await fetch(`http://127.0.0.1:${ports.api}/docs`)).headers.get('content-type'),
    ).toContain('text/html');
  });

  it('lets an operator script tenants, keys and trunks with ccx', async () => {
    const created = await ccx(operatorKey(), 'tenants', 'create', 'acme-e2e', '--name', 'Acme');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const issued = await ccx(operatorKey(), '--json', 'tenants', 'issue-key', 'acme-e2e');
    const key = (JSON.parse(issued.stdout) as { key: string }).key;
    expect(key).toMatch(/^ccx_acme-e2e_/);

    const trunk = await ccx(
      key,
      'trunks',
      'create',
      '--set',
      'name=itsp-fr',
      '--set',
      'kind=itsp',
      '--set',
      'host=192.0.2.10',
      '--set',
      'port=5060',
      '--set',
      'transport=udp',
      '--set',
      'maxChannels=30',
      '--set',
      'codecs=["PCMA"]',
    );
    expect(trunk.code).toBe(0);
    const listed = await ccx(key, 'trunks', 'list');
    expect(listed.stdout).toContain('itsp-fr');
    expect(listed.stdout).not.toContain('itsp-de');

    // The SBC process picks the new trunk up from config.changed, without a restart.
    const sbcTrunks = async () => {
      const res = await fetch(`http://127.0.0.1:${ports.sbc}/live-config/acme-e2e/trunk`);
      return ((await res.json()) as { items: { name: string }[] }).items.map((t) => t.name);
    };
    let names = await sbcTrunks();
    for (let i = 0; i < 100 && !names.includes('itsp-fr'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      names = await sbcTrunks();
    }
    expect(names).toEqual(['itsp-fr']);

    const bad = await ccx(key, 'trunks', 'create', '--set', 'name=x', '--set', 'port=99999');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/400.*port/);
    expect((await ccx('not-a-key', 'trunks', 'list')).code).toBe(1);
  });

  it('delivers a signed webhook to a partner who subscribed with ccx', async () => {
    const received: { headers: Record<string, string>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
      const sub = await ccx(
        demoKey(),
        '--json',
        'webhooks',
        'create',
        '--set',
        `url=${url}`,
        '--set',
        'eventTypes=["config.changed"]',
      );
      expect(sub.stderr).toBe('');
      const { id, secret } = JSON.parse(sub.stdout) as { id: string; secret: string };
      expect(secret).toMatch(/^whsec_/);

      const trunk = await ccx(
        demoKey(),
        '--json',
        'trunks',
        'create',
        '--set',
        'name=itsp-hook',
        '--set',
        'kind=itsp',
        '--set',
        'host=192.0.2.20',
        '--set',
        'port=5060',
        '--set',
        'transport=udp',
        '--set',
        'maxChannels=4',
        '--set',
        'codecs=["PCMU"]',
      );
      const trunkId = (JSON.parse(trunk.stdout) as { id: string }).id;
      for (let i = 0; i < 200 && !received.some((r) => r.body.includes(trunkId)); i++)
        await new Promise((r) => setTimeout(r, 50));

      const hit = received.find((r) => r.body.includes(trunkId));
      expect(hit).toBeDefined();
      const verified = new Webhook(secret).verify(hit?.body ?? '', hit?.headers ?? {}) as {
        type: string;
        data: { resource: string; action: string };
      };
      expect(verified.type).toBe('config.changed');
      expect(verified.data).toMatchObject({ resource: 'trunk', action: 'created' });

      const log = await ccx(demoKey(), 'webhooks', 'deliveries', id);
      expect(log.code).toBe(0);
      expect(log.stdout).toContain('succeeded');
    } finally {
      receiver.close();
    }
  });

  it('stops every service on Ctrl-C', async () => {
    launcher.kill('SIGINT');
    const code = await new Promise<number | null>((r) => launcher.once('exit', r));
    expect(code).toBe(0);
    for (const port of healthPorts) {
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    }
  });
});
