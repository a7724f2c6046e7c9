import { describe, expect, it } from 'vitest';
import {
  ALAW_TO_ULAW,
  ULAW_TO_ALAW,
  alawCompress,
  alawExpand,
  alawToUlaw,
  ulawCompress,
  ulawExpand,
  ulawToAlaw,
} from './index';
import { everyCode, fixtureBytes, mismatches } from './testing/fixtures';

describe('A-law <-> µ-law by the G.711 direct conversion tables', () => {
  const codes = everyCode();
  const a2u = fixtureBytes('alaw-to-ulaw.bin');
  const u2a = fixtureBytes('ulaw-to-alaw.bin');

  it('match the 1994-corrected tables on all 256 codes, table and buffer paths', () => {
    expect(mismatches(ALAW_TO_ULAW, a2u)).toBe(0);
    expect(mismatches(ULAW_TO_ALAW, u2a)).toBe(0);
    for (const offset of [0, 1, 2, 3]) {
      const host = new Uint8Array(256 + 4);
      host.set(codes, offset);
      const view = host.subarray(offset, offset + 256);
      expect(mismatches(alawToUlaw(view), a2u)).toBe(0);
      expect(mismatches(ulawToAlaw(view), u2a)).toBe(0);
    }
  });

  it('carry the 1994 corrections (the uncorrected Sun tables are wrong here)', () => {
    // µ-law magnitude 80 (codes 0xaf / 0x2f) -> A-law magnitude 79, not 80.
    expect(ulawToAlaw(Uint8Array.of(0xaf, 0x2f))).toEqual(Uint8Array.of(0xcf ^ 0x55, 0x4f ^ 0x55));
    // A-law magnitude 79 (codes 0xcf ^ 0x55 / 0x4f ^ 0x55) -> µ-law magnitude 80, not 79.
    expect(alawToUlaw(Uint8Array.of(0xcf ^ 0x55, 0x4f ^ 0x55))).toEqual(Uint8Array.of(0xaf, 0x2f));
  });

  it('round trips: A -> µ -> A and µ -> A -> µ change only the codes the tables merge', () => {
    expect(mismatches(ulawToAlaw(alawToUlaw(codes)), codes)).toBe(A_U_A_CHANGED);
    expect(mismatches(alawToUlaw(ulawToAlaw(codes)), codes)).toBe(U_A_U_CHANGED);
  });

  it('differ from decoding and re-encoding on dozens of codes', () => {
    const viaPcmA2u = Array.from(codes, (c) => ulawCompress(alawExpand(c)));
    const viaPcmU2a = Array.from(codes, (c) => alawCompress(ulawExpand(c)));
    const a2uDiff = mismatches(viaPcmA2u, a2u);
    const u2aDiff = mismatches(viaPcmU2a, u2a);
    expect({ a2uDiff, u2aDiff }).toEqual({ a2uDiff: A2U_DIFF, u2aDiff: U2A_DIFF });
  });
});

const A2U_DIFF = 32;
const U2A_DIFF = 44;
const A_U_A_CHANGED = 16;
const U_A_U_CHANGED = 16;
