import { describe, expect, it } from 'vitest';
import { AdmissionControl, callKbps } from './admission';
import { settings } from './testing/fixtures';

const s = settings({
  tenants: [
    {
      id: 't',
      maxCalls: 3,
      maxBandwidthKbps: 1000,
      trunks: [
        { id: 'tr', name: 'tr', kind: 'itsp', host: 'h', maxChannels: 2, maxBandwidthKbps: 400 },
      ],
    },
  ],
});
const tenant = s.tenants[0]!;
const trunk = tenant.trunks[0]!;

describe('callKbps', () => {
  it('counts payload and RTP/UDP/IP headers, both directions', () => {
    // (160 + 40) bytes × 50 packets/s × 8 = 80 kbit/s per direction.
    expect(callKbps({ codecs: ['PCMA'], ptime: 20, ipVersion: 4, srtp: false })).toBe(160);
    // IPv6 adds 20 bytes, SRTP 10: (160 + 70) × 50 × 8 × 2 = 184.
    expect(callKbps({ codecs: ['PCMU', 'PCMA'], ptime: 20, ipVersion: 6, srtp: true })).toBe(184);
    // 10 ms doubles the packet rate: (80 + 40) × 100 × 8 × 2 = 192.
    expect(callKbps({ codecs: ['PCMA'], ptime: 10, ipVersion: 4, srtp: false })).toBe(192);
  });
});

describe('AdmissionControl', () => {
  it('refuses the call over the trunk channel limit and admits again after a release', () => {
    const ac = new AdmissionControl();
    const a = ac.admit({ tenant, trunk, kbps: 100 });
    const b = ac.admit({ tenant, trunk, kbps: 100 });
    expect(a.ok && b.ok).toBe(true);
    expect(ac.admit({ tenant, trunk, kbps: 100 })).toEqual({
      ok: false,
      scope: 'trunk',
      id: 'tr',
      limit: 'calls',
      inUse: 2,
      max: 2,
      requestedKbps: undefined,
    });
    if (a.ok) a.release();
    expect(ac.admit({ tenant, trunk, kbps: 100 }).ok).toBe(true);
  });

  it('refuses over the trunk bandwidth budget', () => {
    const ac = new AdmissionControl();
    expect(ac.admit({ tenant, trunk, kbps: 250 }).ok).toBe(true);
    expect(ac.admit({ tenant, trunk, kbps: 160 })).toMatchObject({
      ok: false,
      scope: 'trunk',
      limit: 'bandwidth',
      inUse: 250,
      max: 400,
      requestedKbps: 160,
    });
  });

  it('counts Teams-only calls (no trunk) against the tenant', () => {
    const ac = new AdmissionControl();
    for (let i = 0; i < 3; i++) expect(ac.admit({ tenant, kbps: 10 }).ok).toBe(true);
    expect(ac.admit({ tenant, kbps: 10 })).toMatchObject({
      ok: false,
      scope: 'tenant',
      limit: 'calls',
      max: 3,
    });
    const big = new AdmissionControl();
    expect(big.admit({ tenant, kbps: 900 }).ok).toBe(true);
    expect(big.admit({ tenant, kbps: 200 })).toMatchObject({
      ok: false,
      scope: 'tenant',
      limit: 'bandwidth',
    });
  });

  it('releases once, however often release() is called, and shows usage', () => {
    const ac = new AdmissionControl();
    const a = ac.admit({ tenant, trunk, kbps: 160 });
    ac.admit({ tenant, trunk, kbps: 160 });
    expect(ac.usage().trunks['tr']).toEqual({ calls: 2, kbps: 320, maxCalls: 2, maxKbps: 400 });
    if (a.ok) {
      a.release();
      a.release();
    }
    expect(ac.usage().trunks['tr']).toMatchObject({ calls: 1, kbps: 160 });
    expect(ac.usage().tenants['t']).toEqual({ calls: 1, kbps: 160, maxCalls: 3, maxKbps: 1000 });
  });

  it('reserves nothing when a limit refuses', () => {
    const ac = new AdmissionControl();
    ac.admit({ tenant, kbps: 950 });
    expect(ac.admit({ tenant, trunk, kbps: 100 }).ok).toBe(false);
    expect(ac.usage().trunks['tr']).toMatchObject({ calls: 0, kbps: 0 });
  });
});
