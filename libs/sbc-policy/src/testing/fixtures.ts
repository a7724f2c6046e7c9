// Settings and peer health for the policy's unit tests.
import type { SbcSettings, SbcSettingsInput } from '../config';
import type { PeerHealth, PeerState } from '../types';
import { validateSettings } from '../validate';

export function settings(input: SbcSettingsInput): SbcSettings {
  const r = validateSettings(input);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.settings;
}

export class FakeHealth implements PeerHealth {
  readonly states = new Map<string, PeerState>();
  state(peer: string): PeerState {
    return this.states.get(peer) ?? 'up';
  }
  set(peer: string, state: PeerState): this {
    this.states.set(peer, state);
    return this;
  }
}

const site = (id: string, kind: 'central' | 'branch', country: string, localEgress = false) => ({
  id,
  name: id,
  kind,
  country,
  localEgress,
});

/**
 * contoso: Berlin (central, DE) with two ITSP trunks, Munich branch (DE) with its own trunk,
 * Hamburg branch (DE) without trunks, Paris branch (FR, local egress) with its own trunk,
 * Rome branch (IT, local egress) without trunks. fabrikam shares the carrier 192.0.2.10.
 */
export const enterprise = (): SbcSettingsInput => ({
  teams: { baseDomain: 'sbc.carrier.example' },
  tenants: [
    {
      id: 'contoso',
      teamsSubdomain: 'contoso',
      callerId: { policy: 'reject' },
      dialPlan: [
        { pattern: '0([1-9][0-9]+)', translation: '+49$1' },
        { pattern: '00([1-9][0-9]+)', translation: '+$1' },
      ],
      sites: [
        site('ber', 'central', 'DE'),
        site('muc', 'branch', 'DE'),
        site('ham', 'branch', 'DE'),
        site('par', 'branch', 'FR', true),
        site('rom', 'branch', 'IT', true),
      ],
      trunks: [
        { id: 'ber-1', name: 'b1', kind: 'itsp', siteId: 'ber', host: '192.0.2.10', priority: 10 },
        {
          id: 'ber-2',
          name: 'b2',
          kind: 'itsp',
          siteId: 'ber',
          host: 'sip.two.example',
          address: '192.0.2.11',
          priority: 20,
          transport: 'tls',
          port: 5061,
        },
        {
          id: 'muc-1',
          name: 'm1',
          kind: 'itsp',
          siteId: 'muc',
          host: '198.51.100.20',
          priority: 50,
        },
        {
          id: 'par-1',
          name: 'p1',
          kind: 'itsp',
          siteId: 'par',
          host: '198.51.100.30',
          transport: 'tcp',
        },
        {
          id: 'off',
          name: 'off',
          kind: 'itsp',
          siteId: 'ber',
          host: '198.51.100.99',
          enabled: false,
        },
      ],
      numberRanges: [
        { first: '+4930123400', last: '+4930123499', siteId: 'ber' },
        { first: '+4930123450', last: '+4930123450', siteId: 'ber', purpose: 'queue' },
        { first: '+4989555000', last: '+4989555099', siteId: 'muc' },
        { first: '+4940777000', last: '+4940777099', siteId: 'ham' },
        { first: '+33155500000', last: '+33155500099', siteId: 'par' },
        { first: '+39065550000', last: '+39065550099', siteId: 'rom' },
      ],
    },
    {
      id: 'fabrikam',
      teamsSubdomain: 'fabrikam',
      trunks: [{ id: 'fab-1', name: 'shared carrier', kind: 'itsp', host: '192.0.2.10' }],
      numberRanges: [{ first: '+4969100000', last: '+4969100999' }],
    },
  ],
});
