import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bodyFrom } from './resources';

describe('ccx request bodies', () => {
  it('merges --data with --set, parsing JSON values and keeping plain strings', () => {
    const body = bodyFrom({
      data: '{"name":"itsp","port":5060}',
      set: ['port=5080', 'codecs=["PCMA"]', 'host=sip.example.net'],
    });
    expect(body).toEqual({ name: 'itsp', port: 5080, codecs: ['PCMA'], host: 'sip.example.net' });
  });

  it('reads --data @file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ccx-')), 'trunk.json');
    writeFileSync(file, '{"kind":"pbx"}');
    expect(bodyFrom({ data: `@${file}` })).toEqual({ kind: 'pbx' });
  });

  it('refuses malformed pairs and non-object data', () => {
    expect(() => bodyFrom({ set: ['novalue'] })).toThrow(/key=value/);
    expect(() => bodyFrom({ data: '[1,2]' })).toThrow(/JSON object/);
  });
});
