// TCP and TLS: listening servers, outbound connections opened on demand, and connection reuse.
// Outbound connections are pooled by protocol|host|port|servername; inbound ones are indexed by the
// peer's protocol|host|port, so a request to a peer goes back on the connection it opened to us
// (RFC 5923-like reuse, without its `alias` negotiation).
import {
  createServer as createTcpServer,
  connect as tcpConnect,
  type Server,
  type Socket,
} from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { StreamConnection, type ConnectionEvents } from './connection';
import type { SipTlsOptions, TransportLog } from './options';
import { nameMatches, plainHost, tlsPeerOf } from './received';
import type { ListenSpec, SendTarget, SipAddress, TransportProtocol } from './types';

export interface StreamSettings {
  tls?: SipTlsOptions;
  maxConnections: number;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  maxMessageBytes: number;
  log: TransportLog;
}

export interface StreamListener {
  spec: ListenSpec;
  server: Server;
  bound: SipAddress;
}

const addressOf = (
  protocol: TransportProtocol,
  host: string | undefined,
  port: number | undefined,
) => ({ protocol, host: plainHost(host ?? ''), port: port ?? 0 }) satisfies SipAddress;

export class StreamTransports {
  readonly listeners: StreamListener[] = [];
  private readonly byId = new Map<string, StreamConnection>();
  private readonly pool = new Map<string, StreamConnection>();
  private readonly byPeer = new Map<string, StreamConnection>();
  private readonly pending = new Map<string, Promise<StreamConnection>>();
  private nextId = 1;

  constructor(
    private readonly settings: StreamSettings,
    private readonly events: Omit<ConnectionEvents, 'closed' | 'error'>,
  ) {}

  get connectionCount(): number {
    return this.byId.size;
  }

  async listen(spec: ListenSpec): Promise<SipAddress> {
    const server = this.createServer(spec.protocol);
    // Also bounds TLS handshakes in progress, which are not connections of ours yet.
    server.maxConnections = this.settings.maxConnections;
    server.on('error', (err) => this.settings.log('error', { err, spec }, 'sip listener error'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: spec.host, port: spec.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address();
    const bound = addressOf(
      spec.protocol,
      spec.host,
      typeof a === 'object' && a ? a.port : spec.port,
    );
    this.listeners.push({ spec, server, bound });
    return bound;
  }

  async stop(): Promise<void> {
    const closing = this.listeners.map(
      (l) => new Promise<void>((resolve) => l.server.close(() => resolve())),
    );
    for (const c of this.byId.values()) c.socket.destroy();
    await Promise.all(closing);
    this.listeners.length = 0;
  }

  /** The open connection a message to `target` should use, connecting when there is none. */
  connection(target: SendTarget): Promise<StreamConnection> {
    if (target.connectionId) {
      const c = this.byId.get(target.connectionId);
      if (c?.open) return Promise.resolve(c);
    }
    const key = poolKey(target);
    const pooled = this.pool.get(key);
    if (pooled?.open) return Promise.resolve(pooled);
    const peer = this.byPeer.get(peerKey(target));
    if (peer?.open && this.peerServes(peer, target)) return Promise.resolve(peer);
    let p = this.pending.get(key);
    if (!p) {
      p = this.connect(target).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  /** An inbound TLS connection is reused for a named target only when its certificate covers it. */
  private peerServes(conn: StreamConnection, target: SendTarget): boolean {
    if (conn.protocol !== 'tls' || !target.servername) return true;
    const name = target.servername;
    return !!conn.tls?.authorized && conn.tls.names.some((n) => nameMatches(n, name));
  }

  private createServer(protocol: TransportProtocol): Server {
    if (protocol === 'tcp') {
      return createTcpServer({ noDelay: true }, (s) => this.accept('tcp', s, undefined));
    }
    const tls = this.settings.tls;
    if (!tls) throw new Error('a TLS listener needs tls options (key, cert)');
    const server = createTlsServer(
      {
        key: tls.key,
        cert: tls.cert,
        ca: tls.ca,
        requestCert: tls.requestClientCert ?? true,
        // The SBC's ACL decides on the names; an unknown or self-signed client still gets a hearing.
        rejectUnauthorized: false,
        handshakeTimeout: this.settings.connectTimeoutMs,
      },
      (s) => this.accept('tls', s, s),
    );
    server.on('tlsClientError', (err, s) => {
      this.settings.log(
        'debug',
        { err: err.message, peer: s.remoteAddress },
        'tls handshake failed',
      );
      s.destroy();
    });
    return server;
  }

  private accept(protocol: TransportProtocol, socket: Socket, tls: TLSSocket | undefined): void {
    socket.on('error', () => undefined); // until the connection owns it
    if (this.byId.size >= this.settings.maxConnections) {
      this.settings.log('warn', { peer: socket.remoteAddress }, 'sip connection refused: limit');
      socket.destroy();
      return;
    }
    const peer = tls ? tlsPeerOf(tls.authorized, tls.getPeerCertificate()) : undefined;
    this.adopt(protocol, socket, peer, true);
  }

  private adopt(
    protocol: TransportProtocol,
    socket: Socket,
    peer: ReturnType<typeof tlsPeerOf> | undefined,
    inbound: boolean,
    key?: string,
  ): StreamConnection {
    const id = `${protocol}-${this.nextId++}`;
    const local = addressOf(protocol, socket.localAddress, socket.localPort);
    const remote = addressOf(protocol, socket.remoteAddress, socket.remotePort);
    const conn = new StreamConnection(
      id,
      protocol,
      socket,
      local,
      remote,
      inbound,
      peer,
      this.settings.maxMessageBytes,
      this.settings.idleTimeoutMs,
      {
        ...this.events,
        closed: (c) => this.forget(c, key),
        error: (c, err) =>
          this.settings.log(
            'debug',
            { connectionId: c.id, err: err.message },
            'sip connection error',
          ),
      },
    );
    this.byId.set(id, conn);
    if (key) this.pool.set(key, conn);
    this.byPeer.set(peerKey(remote), conn);
    return conn;
  }

  private forget(conn: StreamConnection, key: string | undefined): void {
    this.byId.delete(conn.id);
    if (key && this.pool.get(key) === conn) this.pool.delete(key);
    const pk = peerKey(conn.remote);
    if (this.byPeer.get(pk) === conn) this.byPeer.delete(pk);
  }

  private connect(target: SendTarget): Promise<StreamConnection> {
    if (this.byId.size + this.pending.size >= this.settings.maxConnections) {
      return Promise.reject(new Error('sip connection limit reached'));
    }
    const host = target.host;
    const tls = this.settings.tls;
    return new Promise<StreamConnection>((resolve, reject) => {
      let socket: Socket;
      const ready = (): void => {
        socket.setTimeout(0);
        socket.off('timeout', timedOut);
        socket.off('error', fail);
        const peer =
          target.protocol === 'tls'
            ? tlsPeerOf(true, (socket as TLSSocket).getPeerCertificate())
            : undefined;
        resolve(this.adopt(target.protocol, socket, peer, false, poolKey(target)));
      };
      const fail = (err: Error): void => {
        socket.destroy();
        reject(err);
      };
      if (target.protocol === 'tls') {
        socket = tlsConnect(
          {
            host,
            port: target.port,
            servername: target.servername,
            ca: tls?.ca,
            key: tls?.key,
            cert: tls?.cert,
            rejectUnauthorized: true,
          },
          ready,
        );
      } else {
        socket = tcpConnect({ host, port: target.port, noDelay: true }, ready);
      }
      const timedOut = (): void => fail(new Error(`connect to ${host}:${target.port} timed out`));
      socket.on('error', fail);
      socket.once('timeout', timedOut);
      socket.setTimeout(this.settings.connectTimeoutMs);
    });
  }
}

const poolKey = (t: SendTarget): string =>
  `${t.protocol}|${t.host}|${t.port}|${t.protocol === 'tls' ? (t.servername ?? '') : ''}`;
const peerKey = (a: SipAddress): string => `${a.protocol}|${a.host}|${a.port}`;
