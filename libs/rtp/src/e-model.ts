// Call quality (MOS) from the simplified ITU-T G.107 E-model for G.711.
//
//   R      = 93.2 − Id − Ie_eff                     (G.107 §3: Ro − Is = 93.2 with default values, A = 0)
//   Id     = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3) (d = one-way mouth-to-ear delay in ms, H = step;
//                                                      the usual simplification of G.107 Idd/Idte/Idle,
//                                                      Cole & Rosenbluth 2001)
//   Ie_eff = Ie + (95 − Ie) · Ppl / (Ppl/BurstR + Bpl) (G.107 §3.5, Ppl = loss in percent)
//   MOS    = 1 + 0.035·R + 7·10⁻⁶·R·(R − 60)·(100 − R), clamped to [1, 4.5] (G.107 Annex B)
//
// G.711 values from ITU-T G.113 Appendix I: Ie = 0; Bpl = 25.1 with packet-loss concealment
// (G.711 Appendix I PLC), 4.3 without. BurstR = 1 for random loss, > 1 for bursty loss.

export const G711_IE = 0;
export const G711_BPL_PLC = 25.1;
export const G711_BPL_NO_PLC = 4.3;
export const R_DEFAULT = 93.2;

export interface EModelInput {
  /** One-way mouth-to-ear delay in ms (network + jitter buffer + packetisation). */
  oneWayDelayMs: number;
  /** Packet loss in percent (0–100). */
  packetLossPercent: number;
  /** Burst ratio (1 = random loss); see burstRatio(). */
  burstR?: number;
  /** Whether the receiver conceals loss (G.711 Appendix I PLC). Default true. */
  plc?: boolean;
}

/** Delay impairment Id for a one-way delay in ms (negative or non-finite delays count as 0). */
export function delayImpairment(oneWayDelayMs: number): number {
  const d = Number.isFinite(oneWayDelayMs) && oneWayDelayMs > 0 ? oneWayDelayMs : 0;
  return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
}

/** Effective equipment impairment Ie_eff for a loss in percent. */
export function effectiveEquipmentImpairment(
  packetLossPercent: number,
  ie: number,
  bpl: number,
  burstR = 1,
): number {
  const ppl = Number.isFinite(packetLossPercent)
    ? Math.min(100, Math.max(0, packetLossPercent))
    : 0;
  const r = Number.isFinite(burstR) && burstR >= 1 ? burstR : 1;
  return ie + ((95 - ie) * ppl) / (ppl / r + bpl);
}

/** Transmission rating R for a G.711 call. */
export function g711RFactor(input: EModelInput): number {
  const bpl = input.plc === false ? G711_BPL_NO_PLC : G711_BPL_PLC;
  return (
    R_DEFAULT -
    delayImpairment(input.oneWayDelayMs) -
    effectiveEquipmentImpairment(input.packetLossPercent, G711_IE, bpl, input.burstR)
  );
}

/** G.107 Annex B: MOS (conversational quality, estimated) from R, clamped to [1, 4.5]. */
export function mosFromR(r: number): number {
  if (!(r > 0)) return 1;
  if (r >= 100) return 4.5;
  const mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
  return Math.min(4.5, Math.max(1, mos));
}

/** MOS for a G.711 call with the given delay and loss. */
export const g711Mos = (input: EModelInput): number => mosFromR(g711RFactor(input));

/**
 * G.107 BurstR from a two-state Markov loss model: p = P(lost | previous received),
 * q = P(received | previous lost). BurstR = 1/(p + q); 1 when loss is random (p + q = 1).
 */
export function burstRatio(p: number, q: number): number {
  const sum = p + q;
  return sum > 0 && Number.isFinite(sum) ? Math.max(1, 1 / sum) : 1;
}
