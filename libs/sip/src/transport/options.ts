// Construction options of SipTransportLayer.
import type { SipLimits } from '../types';
import type { InvalidMessage, ListenSpec, ReceivedMessage } from './types';

export type PemInput = string | Buffer;

export interface SipTlsOptions {
  key: PemInput;
  cert: PemInput;
  /** CAs trusted for peers, both directions (default: Node's bundled roots for outbound). */
  ca?: PemInput | PemInput[];
  /** Ask inbound peers for a certificate so the ACL can match its names (default true). */
  requestClientCert?: boolean;
}

export type TransportLogLevel = 'debug' | 'info' | 'warn' | 'error';
export type TransportLog = (
  level: TransportLogLevel,
  obj: Record<string, unknown>,
  msg: string,
) => void;

export interface SipTransportOptions {
  listen: ListenSpec[];
  tls?: SipTlsOptions;
  limits?: Partial<SipLimits>;
  /** A stream connection with no traffic either way for this long is closed (default 10 min). */
  idleTimeoutMs?: number;
  /** Open TCP/TLS connections, inbound plus outbound; beyond it new ones are refused (10,000). */
  maxConnections?: number;
  /** How long an outbound TCP connect or TLS handshake may take (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * SO_RCVBUF and SO_SNDBUF of each UDP socket (default 4 MiB; the kernel caps it at
   * net.core.rmem_max / wmem_max): a burst of INVITEs must not overflow the 208 KiB default.
   */
  udpBufferBytes?: number;
  onMessage: (rx: ReceivedMessage) => void;
  onInvalid?: (m: InvalidMessage) => void;
  log?: TransportLog;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_MAX_CONNECTIONS = 10_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_UDP_BUFFER_BYTES = 4 * 1024 * 1024;
