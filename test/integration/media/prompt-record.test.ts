// Prompts into a leg (with barge-in on DTMF) and stereo recording, over real UDP.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WaveFile } from 'wavefile';
import { ALAW_TO_ULAW, decodeAlaw, decodeUlaw, encodeUlaw } from '@ccx/g711';
import type { MediaEngine } from '@ccx/media-relay';
import { buildTelephoneEvent } from '@ccx/rtp';
import { sleep, waitFor } from '../../support/bus';
import {
  PCMA,
  PCMU,
  event,
  openEngine,
  setUpCall,
  type Call,
  type EngineEvents,
  ioKinds,
  setEngineIo,
  closeOpened,
} from '../../support/media-engine';

/** A 16-bit PCM 8 kHz mono WAV of `ms` milliseconds: a ramp, so every frame differs. */
function writePrompt(dir: string, name: string, ms: number): Int16Array {
  const pcm = Int16Array.from({ length: (ms * 8000) / 1000 }, (_, i) => ((i * 37) % 20000) - 10000);
  const wav = new WaveFile();
  wav.fromScratch(1, 8000, '16', pcm);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), wav.toBuffer());
  return pcm;
}

describe.each(ioKinds)('media relay (%s I/O): prompts and recording', (io) => {
  beforeAll(() => setEngineIo(io));
  let engine: MediaEngine;
  let events: EngineEvents;
  let dir: string;
  let call: Call | undefined;
  afterEach(closeOpened);

  const open = async () => {
    ({ engine, events, dir } = openEngine());
    call = await setUpCall(
      engine,
      'ivr-1',
      (a) => a.sdp([PCMU, event(101)]),
      (b) => b.sdp([PCMA, event(101)]),
    );
    return call;
  };

  it('plays a 16-bit WAV into a leg in its law, bit-exact, 20 ms frames, then reports it completed', async () => {
    const c = await open();
    const pcm = writePrompt(join(dir, 'prompts'), 'welcome.wav', 400);
    const reply = await engine.play('acme', 'ivr-1', 'a', 'welcome.wav', true);
    expect(reply).toEqual({ playing: true, durationMs: 400 });
    await waitFor('prompt end', () => events.prompts.length === 1);
    expect(events.prompts[0]).toEqual({ leg: 'a', prompt: 'welcome.wav', reason: 'completed' });
    const got = c.a.rtp();
    expect(got).toHaveLength(20);
    expect(Buffer.concat(got.map((g) => g.payload))).toEqual(Buffer.from(encodeUlaw(pcm)));
    expect(got[0]!.header.marker).toBe(true);
    expect(got.every((g) => g.header.payloadType === 0)).toBe(true);
    for (let i = 1; i < got.length; i++) {
      expect((got[i]!.header.sequence - got[i - 1]!.header.sequence) & 0xffff).toBe(1);
      expect((got[i]!.header.timestamp - got[i - 1]!.header.timestamp) >>> 0).toBe(160);
    }
  });

  it('stops on DTMF from the leg it plays into (barge-in); what the other party says reaches it again', async () => {
    const c = await open();
    writePrompt(join(dir, 'prompts'), 'menu.wav', 10_000);
    await engine.play('acme', 'ivr-1', 'a', 'menu.wav', true);
    await c.a.waitForRtp(5);
    // While the prompt plays, b's audio to a is replaced by it.
    await c.b.sendRtp(c.relayB, 8, new Uint8Array(160).fill(0x2a));
    await c.a.sendRtp(
      c.relayA,
      101,
      buildTelephoneEvent({ event: 1, end: false, volume: 10, duration: 160 }),
      {
        marker: true,
        advance: false,
      },
    );
    await waitFor('barge-in', () => events.prompts.length === 1);
    expect(events.prompts[0]).toMatchObject({ leg: 'a', prompt: 'menu.wav', reason: 'barge-in' });
    expect(events.dtmf).toEqual([{ leg: 'a', digit: '1' }]);
    await sleep(100);
    const afterBargeIn = c.a.rtp().length;
    expect(afterBargeIn).toBeLessThan(100); // far from the 500 frames of the whole prompt
    await c.b.sendRtp(c.relayB, 8, new Uint8Array(160).fill(0x2a));
    await c.a.waitForRtp(afterBargeIn + 1);
    const got = c.a.rtp();
    const last = got[got.length - 1]!;
    expect(last.payload.every((x) => x === ALAW_TO_ULAW[0x2a])).toBe(true);
    expect(last.header.ssrc).toBe(got[0]!.header.ssrc);
    expect((last.header.sequence - got[got.length - 2]!.header.sequence) & 0xffff).toBe(1);
    await sleep(100);
    expect(c.a.rtp()).toHaveLength(afterBargeIn + 1);
  });

  it('refuses a prompt outside its directory and one that is not 8 kHz', async () => {
    await open();
    await expect(engine.play('acme', 'ivr-1', 'a', '../etc.wav', true)).rejects.toThrow();
    const wav = new WaveFile();
    wav.fromScratch(1, 44100, '16', new Int16Array(441));
    mkdirSync(join(dir, 'prompts'), { recursive: true });
    writeFileSync(join(dir, 'prompts', 'hifi.wav'), wav.toBuffer());
    await expect(engine.play('acme', 'ivr-1', 'a', 'hifi.wav', true)).rejects.toThrow(/8000/);
  });

  it('records the call to a stereo WAV: leg a left, leg b right', async () => {
    const c = await open();
    const started = await engine.record('acme', 'ivr-1', 'start');
    expect(started.recording).toBe(true);
    const aCodes = Uint8Array.from({ length: 160 }, (_, i) => 0x80 + (i % 100));
    const bCodes = Uint8Array.from({ length: 160 }, (_, i) => 0x10 + (i % 90));
    for (let i = 0; i < 10; i++) {
      await c.a.sendRtp(c.relayA, 0, aCodes);
      await c.b.sendRtp(c.relayB, 8, bCodes);
      await sleep(20);
    }
    await c.b.waitForRtp(10);
    const stopped = await engine.record('acme', 'ivr-1', 'stop');
    expect(stopped).toEqual({ recording: false, file: started.file });
    const wav = new WaveFile(readFileSync(stopped.file!));
    expect(wav.fmt).toMatchObject({ numChannels: 2, sampleRate: 8000, bitsPerSample: 16 });
    const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array[];
    const [left, right] = samples as [Int16Array, Int16Array];
    const expectA = decodeUlaw(aCodes);
    const expectB = decodeAlaw(bCodes);
    const find = (channel: Int16Array, frame: Int16Array) => {
      let count = 0;
      for (let at = 0; at + frame.length <= channel.length; at++) {
        let same = true;
        for (let k = 0; k < frame.length && same; k++) same = channel[at + k] === frame[k];
        if (same) {
          count++;
          at += frame.length - 1;
        }
      }
      return count;
    };
    expect(find(left, expectA)).toBe(10);
    expect(find(right, expectB)).toBe(10);
    expect(find(left, expectB)).toBe(0);

    // Recording again after a stop starts a second file; the first stays as it was.
    await sleep(5);
    const again = await engine.record('acme', 'ivr-1', 'start');
    expect(again.file).not.toBe(started.file);
    expect((await engine.record('acme', 'ivr-1', 'stop')).file).toBe(again.file);
    expect(engine.query('acme', 'ivr-1').recording).toBe(false);
  });
});
