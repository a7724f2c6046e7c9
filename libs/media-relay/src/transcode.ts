import { ALAW_TO_ULAW, ULAW_TO_ALAW } from '@ccx/g711';
import type { Law } from './types';

/**
 * Converts G.711 codes in place between the laws with the G.711 direct conversion tables
 * (never decode + re-encode: the two differ on dozens of codes). One byte in, one byte out, so
 * an RTP payload is converted inside the packet it arrived in.
 */
export function convertInPlace(buf: Uint8Array, offset: number, length: number, from: Law): void {
  const table = from === 'alaw' ? ALAW_TO_ULAW : ULAW_TO_ALAW;
  const end = offset + length;
  for (let i = offset; i < end; i++) buf[i] = table[buf[i] as number] as number;
}

/** The code of digital silence (+0) in each law, for padding and comfort. */
export const SILENCE: Record<Law, number> = { alaw: 0xd5, ulaw: 0xff };
