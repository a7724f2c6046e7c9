import { describe, expect, it } from 'vitest';
import {
  DtmfDetector,
  buildTelephoneEvent,
  dtmfDigit,
  dtmfEvent,
  parseTelephoneEvent,
  type DtmfDetection,
  type TelephoneEvent,
} from './index';
import { hex, seededRandom } from './testing/random';

describe('RFC 4733 telephone-event payload', () => {
  it('parses and builds event, E bit, volume and duration', () => {
    const bytes = hex('05 8a 0320'); // event 5, E=1, R=0, volume 10, duration 800
    const value: TelephoneEvent = { event: 5, end: true, volume: 10, duration: 800 };
    expect(parseTelephoneEvent(bytes)).toEqual(value);
    expect(Array.from(buildTelephoneEvent(value))).toEqual(Array.from(bytes));
    // The reserved bit is ignored on input and written as zero.
    expect(parseTelephoneEvent(hex('0b 4a ffff'))).toEqual({
      event: 11,
      end: false,
      volume: 10,
      duration: 65535,
    });
  });

  it('reads the block at an offset inside a packet, and reports short payloads', () => {
    const packet = hex('000000 0a 0a 00a0');
    expect(parseTelephoneEvent(packet, 3)).toMatchObject({ event: 10, duration: 160 });
    for (let n = 0; n < 4; n++)
      expect(parseTelephoneEvent(packet.subarray(3, 3 + n))).toBe('short');
    expect(parseTelephoneEvent(packet, 5)).toBe('short');
    expect(parseTelephoneEvent(packet, 3, 3)).toBe('short');
  });

  it('maps events 0–15 to 0–9 * # A–D and back', () => {
    const digits = Array.from({ length: 16 }, (_, e) => dtmfDigit(e));
    expect(digits.join('')).toBe('0123456789*#ABCD');
    expect(dtmfDigit(16)).toBeUndefined(); // flash
    expect(dtmfDigit(-1)).toBeUndefined();
    expect(digits.map((d) => dtmfEvent(d ?? ''))).toEqual(Array.from({ length: 16 }, (_, e) => e));
    expect(dtmfEvent('a')).toBe(12);
    expect(dtmfEvent('E')).toBeUndefined();
    expect(dtmfEvent('12')).toBeUndefined();
  });
});

/** The packets a sender emits for one key press: updates every 160, then the end packet 3×. */
const keyPress = (
  event: number,
  timestamp: number,
  updates: number,
): Array<[number, Uint8Array]> => {
  const packets: Array<[number, Uint8Array]> = [];
  for (let i = 1; i <= updates; i++)
    packets.push([
      timestamp,
      buildTelephoneEvent({ event, end: false, volume: 10, duration: 160 * i }),
    ]);
  const end = buildTelephoneEvent({ event, end: true, volume: 10, duration: 160 * (updates + 1) });
  packets.push([timestamp, end], [timestamp, end], [timestamp, end]);
  return packets;
};

const detect = (
  packets: Array<[number, Uint8Array]>,
  detector = new DtmfDetector(),
): DtmfDetection[] => packets.flatMap(([ts, payload]) => detector.onPacket(ts, payload) ?? []);

describe('DtmfDetector', () => {
  it('detects one digit per key press, ignoring updates and the three end packets', () => {
    const found = detect([
      ...keyPress(1, 1000, 5),
      ...keyPress(1, 3000, 5),
      ...keyPress(11, 5000, 2),
    ]);
    expect(found).toEqual([
      { digit: '1', event: 1, timestamp: 1000, volume: 10 },
      { digit: '1', event: 1, timestamp: 3000, volume: 10 },
      { digit: '#', event: 11, timestamp: 5000, volume: 10 },
    ]);
  });

  it('detects an event whose first packets were lost, and ignores late and duplicate packets', () => {
    const first = keyPress(7, 1000, 4);
    const second = keyPress(8, 2000, 4);
    const stream = [
      ...first.slice(0, 2),
      ...second.slice(3), // the start of '8' lost: only its last update and end packets arrive
      first[5]!, // an end packet of '7' retransmitted late
      second[4]!, // a duplicate
    ];
    expect(detect(stream).map((d) => d.digit)).toEqual(['7', '8']);
  });

  it('treats the segments of an event longer than 65535 units as one key press (§2.5.1.3)', () => {
    const detector = new DtmfDetector();
    const long: Array<[number, Uint8Array]> = [
      [10_000, buildTelephoneEvent({ event: 5, end: false, volume: 10, duration: 160 })],
      [10_000, buildTelephoneEvent({ event: 5, end: false, volume: 10, duration: 65535 })],
      [10_000 + 65535, buildTelephoneEvent({ event: 5, end: false, volume: 10, duration: 160 })],
      ...keyPress(5, 10_000 + 65535, 1).slice(1),
      ...keyPress(5, 100_000, 1),
    ];
    expect(detect(long, detector).map((d) => d.timestamp)).toEqual([10_000, 100_000]);
  });

  it('keeps working across a 32-bit timestamp wrap', () => {
    const found = detect([...keyPress(2, 2 ** 32 - 400, 2), ...keyPress(3, 800, 2)]);
    expect(found.map((d) => d.digit)).toEqual(['2', '3']);
  });

  it('counts short payloads, reports nothing for non-DTMF events, and starts over after reset', () => {
    const detector = new DtmfDetector();
    expect(detector.onPacket(0, hex('05 8a'))).toBeUndefined();
    expect(detector.malformed).toBe(1);
    expect(detect(keyPress(16, 500, 1), detector)).toEqual([]); // flash
    expect(detect(keyPress(4, 900, 1), detector).map((d) => d.digit)).toEqual(['4']);
    detector.reset();
    expect(detect(keyPress(4, 900, 1), detector).map((d) => d.digit)).toEqual(['4']);
  });

  it('never throws on 100,000 random payloads and timestamps', () => {
    const random = seededRandom(4733);
    const detector = new DtmfDetector();
    const buffer = new Uint8Array(8);
    let detections = 0;
    for (let i = 0; i < 100_000; i++) {
      const length = Math.floor(random() * 9);
      for (let j = 0; j < length; j++) buffer[j] = Math.floor(random() * 256);
      const found = detector.onPacket(Math.floor(random() * 2 ** 32), buffer, 0, length);
      if (found !== undefined) detections++;
    }
    expect(detections).toBeGreaterThan(0);
    expect(detector.malformed).toBeGreaterThan(0);
  });
});
