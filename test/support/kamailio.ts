// Kamailio as the TLS side of a SIPp peer (Debian's SIPp is built without TLS).
//
//   const ca = makeTestCa(dir);
//   const teams = ca.issue(['sip.pstnhub.microsoft.com', 'sip2.pstnhub.microsoft.com', 'sip3.pstnhub.microsoft.com']);
//   const relay = await startKamailioTlsRelay({
//     tlsListen: { host: '127.0.0.1', port: 35110 },   // where the SBC connects (Teams proxy)
//     udpListen: { host: '127.0.0.1', port: 35111 },   // where a SIPp UAC sends (Teams calling us)
//     forwardUdp: { host: '127.0.0.1', port: 35112 },  // the SIPp UAS behind "Teams"
//     forwardTls: { host: '127.0.0.1', port: 5061, servername: 'acme.sbc.example' }, // the SBC
//     cert: teams.certPath, key: teams.keyPath, ca: ca.caPath, workdir: dir });
//   ...; await relay.stop();
//
// Requests that arrive over TLS go to forwardUdp, requests that arrive over UDP go over TLS to
// forwardTls, for initial and in-dialog requests alike (the Request-URI is not resolved, so an
// FQDN Contact such as the tenant's SBC name works without DNS). Responses follow Via. The relay
// Record-Routes (double, one entry per transport), so peers see a real route set. Both TLS sides
// present `cert` and verify the peer against `ca` (mutual TLS like Teams); `requireClientCert:
// false` lets TLS clients in without a certificate. Kamailio runs in the foreground (-DD -E) as
// its own process with -m 64 -M 8, its config and runtime files in `workdir`; stop() sends
// SIGTERM. log() has its stderr, for failure messages.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';

export const KAMAILIO_FIXTURES = resolve(__dirname, '..', 'fixtures', 'kamailio');
const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

export interface HostPort {
  host: string;
  port: number;
}

export interface KamailioTlsRelayOptions {
  tlsListen: HostPort;
  udpListen: HostPort;
  /** Where requests that came in over TLS go (a SIPp UAS). */
  forwardUdp: HostPort;
  /** Where requests that came in over UDP go, over TLS (SNI `servername`). */
  forwardTls?: HostPort & { servername?: string };
  /** PEM files: our certificate (server and client), its key and the CA we trust. */
  cert: string;
  key: string;
  ca: string;
  /** Require a client certificate from TLS clients (default true, like Teams). */
  requireClientCert?: boolean;
  /** A directory the relay may write to (config, pid file). */
  workdir: string;
  /** Extra names Kamailio treats as itself (alias=). */
  aliases?: string[];
  startTimeoutMs?: number;
}

export interface KamailioRelay {
  pid: number | undefined;
  log(): string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const fill = (template: string, values: Record<string, string>): string =>
  template.replace(/%%([A-Z_]+)%%/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`kamailio template: no value for ${name}`);
    return value;
  });

const hp = (a: HostPort) => `${a.host}:${a.port}`;

/** Resolves once a TCP connection to `at` succeeds (Kamailio listens), or rejects after `ms`. */
async function waitForTcp(at: HostPort, ms: number, dead: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (dead()) throw new Error('kamailio exited during start-up');
    const ok = await new Promise<boolean>((done) => {
      const s = connect(at.port, at.host);
      s.once('connect', () => {
        s.destroy();
        done(true);
      });
      s.once('error', () => done(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`kamailio did not listen on ${hp(at)} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startKamailioTlsRelay(o: KamailioTlsRelayOptions): Promise<KamailioRelay> {
  mkdirSync(o.workdir, { recursive: true });
  const runDir = join(o.workdir, 'run');
  mkdirSync(runDir, { recursive: true });
  const tlsCfg = join(o.workdir, 'tls.cfg');
  const cfg = join(o.workdir, 'kamailio.cfg');
  const requireClient = o.requireClientCert ?? true;
  // A relay with no TLS peer of its own still needs a syntactically valid target.
  const forwardTls = o.forwardTls ?? { ...o.tlsListen, servername: 'localhost' };
  writeFileSync(
    tlsCfg,
    fill(readFileSync(join(KAMAILIO_FIXTURES, 'tls.cfg'), 'utf8'), {
      CERT: o.cert,
      KEY: o.key,
      CA: o.ca,
      REQUIRE_CLIENT_CERT: requireClient ? 'yes' : 'no',
      SERVER_NAME: forwardTls.servername ?? forwardTls.host,
    }),
  );
  writeFileSync(
    cfg,
    fill(readFileSync(join(KAMAILIO_FIXTURES, 'tls-relay.cfg'), 'utf8'), {
      UDP_LISTEN: hp(o.udpListen),
      TLS_LISTEN: hp(o.tlsListen),
      ALIAS: (o.aliases ?? [o.tlsListen.host]).join(' '),
      MODULES,
      TLS_CFG: tlsCfg,
      FORWARD_UDP: hp(o.forwardUdp),
      FORWARD_TLS: hp(forwardTls),
    }),
  );
  const args = ['-f', cfg, '-DD', '-E', '-m', '64', '-M', '8', '-Y', runDir];
  args.push('-P', join(runDir, 'kamailio.pid'), '-w', o.workdir);
  // Its own process group: stop() signals the group, so Kamailio's worker processes go with it.
  const child = spawn('kamailio', args, {
    cwd: o.workdir,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  const keep = (d: Buffer) => (log = (log + d.toString()).slice(-64_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((done) => {
    child.once('exit', (code) => done(code));
    child.once('error', (err) => {
      log += String(err);
      done(null);
    });
  });
  const dead = () => child.exitCode !== null || child.signalCode !== null;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  const stop = async () => {
    if (!dead()) signalGroup('SIGTERM');
    const hard = setTimeout(() => signalGroup('SIGKILL'), 5_000);
    await exited;
    clearTimeout(hard);
    signalGroup('SIGKILL'); // workers that outlived the main process
  };
  try {
    await waitForTcp(o.tlsListen, o.startTimeoutMs ?? 10_000, dead);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return { pid: child.pid, log: () => log, exited, stop };
}

/** Whether `kamailio` and its TLS module are installed (tests skip without them). */
export function kamailioTlsInstalled(): boolean {
  return existsSync(join(MODULES, 'tls.so')) && existsSync('/usr/sbin/kamailio');
}
