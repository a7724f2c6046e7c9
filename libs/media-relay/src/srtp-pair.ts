import { createSrtpSession } from '@ccx/srtp';
import type { SrtpFactory } from './negotiation';

/** SRTP for one leg: the party's key||salt for what it sends us, ours for what we send it. */
export const createSrtpPair: SrtpFactory = (suite, peerKeySalt, ourKeySalt) => {
  const inbound = createSrtpSession({
    suite,
    masterKey: peerKeySalt.subarray(0, 16),
    masterSalt: peerKeySalt.subarray(16, 30),
  });
  const outbound = createSrtpSession({
    suite,
    masterKey: ourKeySalt.subarray(0, 16),
    masterSalt: ourKeySalt.subarray(16, 30),
  });
  return {
    unprotectRtp: (p) => inbound.unprotectRtp(p),
    unprotectRtcp: (p) => inbound.unprotectRtcp(p),
    protectRtp: (p) => outbound.protectRtp(p),
    protectRtcp: (p) => outbound.protectRtcp(p),
  };
};
