import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../problem/problem';
import { decodeCursor, encodeCursor, parsePageQuery } from './cursor';

describe('cursors', () => {
  it('round-trip the key with microseconds intact and are URL-safe', () => {
    const key = {
      createdAt: '2030-01-01 00:00:00.123456+00',
      id: 'b6b5338c-b303-40cc-b907-ecd15309efa0',
    };
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(key);
  });

  it.each([
    ['garbage', '!!!'],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['other version', Buffer.from('[2,"2030-01-01","x"]').toString('base64url')],
    ['bad timestamp', Buffer.from('[1,"yesterday","x"]').toString('base64url')],
    ['loose date', Buffer.from('[1,"Tue, 01 Jan 2030","x"]').toString('base64url')],
  ])('refuse %s with a problem naming `cursor`', (_name, cursor) => {
    try {
      decodeCursor(cursor);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiProblem);
      expect((err as ApiProblem).errors?.[0]?.field).toBe('cursor');
    }
  });
});

describe('page query', () => {
  it('defaults the limit and coerces query strings', () => {
    expect(parsePageQuery({})).toEqual({ limit: 50 });
    expect(parsePageQuery(undefined)).toEqual({ limit: 50 });
    expect(parsePageQuery({ limit: '200' }).limit).toBe(200);
  });

  it.each([['0'], ['201'], ['-1'], ['1.5'], ['ten']])('refuses limit=%s', (limit) => {
    expect(() => parsePageQuery({ limit })).toThrow(ApiProblem);
  });

  it('refuses unknown parameters by name', () => {
    try {
      parsePageQuery({ tenantId: 'other' });
      expect.unreachable();
    } catch (err) {
      expect((err as ApiProblem).errors).toEqual([{ field: 'tenantId', message: 'unknown field' }]);
    }
  });
});
