// A demo prompt for `media.play` (beep.wav: 0.5 s of 440 Hz, 16-bit PCM, 8 kHz mono), written
// into the prompt directory by `npm start` when it is not there yet.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeDemoPrompt(dir) {
  const file = join(dir, 'beep.wav');
  if (existsSync(file)) return;
  mkdirSync(dir, { recursive: true });
  const samples = 4000;
  const out = Buffer.alloc(44 + samples * 2);
  out.write('RIFF', 0);
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write('WAVEfmt ', 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(8000, 24);
  out.writeUInt32LE(16000, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36);
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) {
    out.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), 44 + 2 * i);
  }
  writeFileSync(file, out);
}
