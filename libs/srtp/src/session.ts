// One SRTP crypto context for one direction of a call (RFC 3711 §3.2): the remote's master key
// for what we receive, ours for what we send. RTP and RTCP share the master key and use
// their own derived keys.
import { deriveSessionKeys } from './aes-cm';
import { DEFAULT_REPLAY_WINDOW, isValidReplayWindow } from './replay-window';
import { SrtcpContext } from './srtcp';
import { SrtpRtpContext } from './srtp-rtp';
import {
  SRTCP_OVERHEAD,
  SRTP_MASTER_KEY_LENGTH,
  SRTP_MASTER_SALT_LENGTH,
  SRTP_SUITES,
  srtpTagLength,
  type SrtpDropReason,
  type SrtpSuite,
} from './suites';

export const DEFAULT_MAX_SSRCS = 16;

export interface SrtpSessionOptions {
  suite: SrtpSuite;
  /** 16 bytes. */
  masterKey: Uint8Array;
  /** 14 bytes. */
  masterSalt: Uint8Array;
  /** Replay window in packets: a power of two from 64 to 32768 (default 128). */
  replayWindow?: number;
  /** Sources (SSRCs) remembered per direction, least recently used evicted (default 16). */
  maxSsrcs?: number;
}

export interface SrtpSession {
  readonly suite: SrtpSuite;
  /** Bytes protectRtp adds: the tag, 10 (…_80) or 4 (…_32). */
  readonly rtpOverhead: number;
  /** Bytes protectRtcp adds: 4 (E || index) + 10 (tag). */
  readonly rtcpOverhead: number;
  /**
   * Each call returns the protected or unprotected packet, or why it was refused. `out`, when
   * given and large enough, receives the result (it may be `packet` itself, with room for the
   * tag when protecting); otherwise a new buffer is allocated. Never throws on any input.
   */
  protectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array | SrtpDropReason;
  unprotectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array | SrtpDropReason;
  protectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array | SrtpDropReason;
  unprotectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array | SrtpDropReason;
  /** RTP / RTCP packets processed under this master key (refused past 2^48 / 2^31). */
  readonly rtpPackets: number;
  readonly rtcpPackets: number;
}

class Session implements SrtpSession {
  readonly rtpOverhead: number;
  readonly rtcpOverhead = SRTCP_OVERHEAD;

  constructor(
    readonly suite: SrtpSuite,
    private readonly rtp: SrtpRtpContext,
    private readonly rtcp: SrtcpContext,
  ) {
    this.rtpOverhead = rtp.tagLength;
  }

  get rtpPackets(): number {
    return this.rtp.packets;
  }

  get rtcpPackets(): number {
    return this.rtcp.packets;
  }

  protectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array | SrtpDropReason {
    return this.rtp.protect(packet, out);
  }

  unprotectRtp(packet: Uint8Array, out?: Uint8Array): Uint8Array | SrtpDropReason {
    return this.rtp.unprotect(packet, out);
  }

  protectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array | SrtpDropReason {
    return this.rtcp.protect(packet, out);
  }

  unprotectRtcp(packet: Uint8Array, out?: Uint8Array): Uint8Array | SrtpDropReason {
    return this.rtcp.unprotect(packet, out);
  }
}

/**
 * Creates the context for one direction. Throws RangeError on an unknown suite, a key or salt
 * of the wrong length or a bad option: these come from our own configuration or from
 * decodeInlineKey, which has already validated what a peer sent.
 */
export function createSrtpSession(options: SrtpSessionOptions): SrtpSession {
  const { suite, masterKey, masterSalt } = options;
  const window = options.replayWindow ?? DEFAULT_REPLAY_WINDOW;
  const maxSsrcs = options.maxSsrcs ?? DEFAULT_MAX_SSRCS;
  if (!SRTP_SUITES.includes(suite)) throw new RangeError(`unsupported SRTP suite ${suite}`);
  if (masterKey.length !== SRTP_MASTER_KEY_LENGTH)
    throw new RangeError(`SRTP master key must be ${SRTP_MASTER_KEY_LENGTH} bytes`);
  if (masterSalt.length !== SRTP_MASTER_SALT_LENGTH)
    throw new RangeError(`SRTP master salt must be ${SRTP_MASTER_SALT_LENGTH} bytes`);
  if (!isValidReplayWindow(window))
    throw new RangeError('replayWindow must be a power of two from 64 to 32768');
  if (!Number.isInteger(maxSsrcs) || maxSsrcs < 1 || maxSsrcs > 1024)
    throw new RangeError('maxSsrcs must be an integer from 1 to 1024');
  const k = deriveSessionKeys(masterKey, masterSalt);
  const tag = srtpTagLength(suite);
  return new Session(
    suite,
    new SrtpRtpContext(k.rtpKey, k.rtpSalt, k.rtpAuthKey, tag, maxSsrcs, window),
    new SrtcpContext(k.rtcpKey, k.rtcpSalt, k.rtcpAuthKey, maxSsrcs, window),
  );
}
