import { describe, expect, it } from 'vitest';
import {
  assertTargetAllowed,
  checkTargetUrl,
  forbiddenRange,
  TargetRefusedError,
} from './target-guard';

const strict = { allowPrivateTargets: false };
const lax = { allowPrivateTargets: true };

describe('forbiddenRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['64:ff9b::a00:1', 'rfc6052'],
  ])('refuses %s (%s)', (address, range) => {
    expect(forbiddenRange(address)).toBe(range);
  });

  it.each(['8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'lets public %s through',
    (address) => expect(forbiddenRange(address)).toBeUndefined(),
  );
});

describe('target URLs', () => {
  it('requires https unless private targets are allowed', () => {
    expect(() => checkTargetUrl('http://example.com/hook', strict)).toThrow(/https/);
    expect(checkTargetUrl('http://example.com/hook', lax).hostname).toBe('example.com');
    expect(() => checkTargetUrl('ftp://example.com/', lax)).toThrow(/https/);
    expect(() => checkTargetUrl('https://u:p@example.com/', strict)).toThrow(/credentials/);
    expect(() => checkTargetUrl('not a url', strict)).toThrow(TargetRefusedError);
  });

  it('judges every resolved address, refusing a host with one private answer', async () => {
    const fake =
      (...addresses: string[]) =>
      async () =>
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    await expect(
      assertTargetAllowed('https://hooks.example/', strict, fake('93.184.215.14')),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      assertTargetAllowed('https://hooks.example/', strict, fake('93.184.215.14', '10.0.0.7')),
    ).rejects.toThrow(/private address \(hooks.example resolves to 10.0.0.7\)/);
    await expect(assertTargetAllowed('https://[::ffff:127.0.0.1]/', strict)).rejects.toThrow(
      /loopback/,
    );
    await expect(assertTargetAllowed('https://2130706433/', strict)).rejects.toThrow(/loopback/);
  });
});
