// Loads the RFC 4475 torture messages kept in src/fixtures/{valid,invalid}/<name>.sip (CRLF).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(__dirname, '..', 'fixtures');

export const torture = (kind: 'valid' | 'invalid', name: string): Uint8Array =>
  new Uint8Array(readFileSync(join(dir, kind, `${name}.sip`)));

export const tortureNames = (kind: 'valid' | 'invalid'): string[] =>
  readdirSync(join(dir, kind))
    .filter((f) => f.endsWith('.sip'))
    .map((f) => f.slice(0, -4))
    .sort();
