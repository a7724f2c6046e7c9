// The transport layer's contract (RFC 3261 section 18): what it hands up and what it sends.
import type { SipMessage } from '../types';

export type TransportProtocol = 'udp' | 'tcp' | 'tls';

/** A transport address. `host` is an IP literal, IPv6 without brackets. */
export interface SipAddress {
  protocol: TransportProtocol;
  host: string;
  port: number;
}

/** What a TLS peer proved about itself (the SBC's ACL matches on `names`). */
export interface TlsPeer {
  /** The peer's certificate chains to one of our trusted CAs. */
  authorized: boolean;
  /** Subject CN and DNS subjectAltNames of the peer certificate, lower-cased. */
  names: string[];
  fingerprint256?: string;
}

export interface ReceivedMessage {
  message: SipMessage;
  /** Where it came from (remote address and port as seen on the socket). */
  source: SipAddress;
  /** Our listener (or outgoing connection's local side) that received it. */
  local: SipAddress;
  /** The stream connection it arrived on (TCP/TLS); responses and reuse go back on it. */
  connectionId?: string;
  tls?: TlsPeer;
  /** Raw size on the wire, for metrics. */
  bytes: number;
}

/** A message that could not be parsed, with the reason; the transport answered 400 if it could. */
export interface InvalidMessage {
  source: SipAddress;
  reason: string;
  answered400: boolean;
}

export interface SendTarget extends SipAddress {
  /** Send on this connection if it is still open (stream transports). */
  connectionId?: string;
  /** TLS: the name to send as SNI and to verify the peer certificate against. */
  servername?: string;
}

export interface SendResult {
  /** The local address used (for stream transports, the connection's local side). */
  local: SipAddress;
  connectionId?: string;
}

/** The part of the transport layer the transaction layer and the SBC use. */
export interface SipTransport {
  /** Sends one message; rejects when it could not be sent (connect refused, TLS failure…). */
  send(message: SipMessage, target: SendTarget): Promise<SendResult>;
  /**
   * The address to put in Via sent-by and Contact for requests sent to `target`: the listener of
   * that protocol and IP family (its advertised host if configured).
   */
  viaAddress(target: SipAddress): SipAddress;
  /** True for TCP and TLS. */
  isReliable(protocol: TransportProtocol): boolean;
}

export type ListenSpec = SipAddress & {
  /** Host written in Via/Contact/SDP instead of the bound IP (NAT, 0.0.0.0 binds). */
  advertise?: string;
};
