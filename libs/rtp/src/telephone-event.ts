// RFC 4733 §2.3 telephone-event payload (4 bytes: event, E|R|volume, duration) and the DTMF event
// codes of §3.2 (0–9, *, #, A–D as events 0–15).

export const TELEPHONE_EVENT_LENGTH = 4;

export interface TelephoneEvent {
  /** Event code 0–255 (0–15 are the DTMF digits). */
  event: number;
  /** E bit: this packet ends the event (sent three times, RFC 4733 §2.5.1.4). */
  end: boolean;
  /** Power level in −dBm0, 0–63. */
  volume: number;
  /** Duration so far in timestamp units, counted from the event start (the packet's RTP timestamp). */
  duration: number;
}

export const createTelephoneEvent = (): TelephoneEvent => ({
  event: 0,
  end: false,
  volume: 0,
  duration: 0,
});

const DIGITS = '0123456789*#ABCD';

/** The DTMF digit of an event code, or undefined for other events (flash, tones…). */
export const dtmfDigit = (event: number): string | undefined =>
  Number.isInteger(event) && event >= 0 && event < 16 ? DIGITS[event] : undefined;

/** The event code of a DTMF digit (case-insensitive letters), or undefined. */
export function dtmfEvent(digit: string): number | undefined {
  if (digit.length !== 1) return undefined;
  const index = DIGITS.indexOf(digit.toUpperCase());
  return index < 0 ? undefined : index;
}

/**
 * Parses the first event block of a telephone-event payload at bytes[offset, offset + length).
 * Only 'short' can go wrong: every bit pattern of 4 bytes is a valid block.
 */
export function parseTelephoneEvent(
  bytes: Uint8Array,
  offset = 0,
  length = bytes.length - offset,
  into: TelephoneEvent = createTelephoneEvent(),
): TelephoneEvent | 'short' {
  if (
    length < TELEPHONE_EVENT_LENGTH ||
    offset < 0 ||
    offset + TELEPHONE_EVENT_LENGTH > bytes.length
  )
    return 'short';
  const flags = bytes[offset + 1]!;
  into.event = bytes[offset]!;
  into.end = (flags & 0x80) !== 0;
  into.volume = flags & 0x3f;
  into.duration = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
  return into;
}

/** Writes a 4-byte event block (R bit zero) at `offset` and returns the offset after it. */
export function writeTelephoneEvent(buffer: Uint8Array, value: TelephoneEvent, offset = 0): number {
  buffer[offset] = value.event & 0xff;
  buffer[offset + 1] = (value.end ? 0x80 : 0) | (value.volume & 0x3f);
  buffer[offset + 2] = (value.duration >>> 8) & 0xff;
  buffer[offset + 3] = value.duration & 0xff;
  return offset + TELEPHONE_EVENT_LENGTH;
}

export const buildTelephoneEvent = (value: TelephoneEvent): Uint8Array => {
  const out = new Uint8Array(TELEPHONE_EVENT_LENGTH);
  writeTelephoneEvent(out, value);
  return out;
};
