import type { Test } from 'supertest';
import type { TestApi } from '../../../support/api';

export interface Client {
  get(path: string): Test;
  post(path: string, body?: unknown, headers?: Record<string, string>): Test;
  patch(path: string, body?: unknown): Test;
  put(path: string, body?: unknown): Test;
  delete(path: string): Test;
}

/** Requests made with one bearer key (a tenant key or the operator key). */
export function clientFor(api: TestApi, key: string): Client {
  const auth = (t: Test) => t.set('authorization', `Bearer ${key}`);
  return {
    get: (path) => auth(api.http().get(path)),
    post: (path, body, headers = {}) => {
      const t = auth(api.http().post(path)).set(headers);
      return body === undefined ? t : t.send(body as object);
    },
    patch: (path, body) => {
      const t = auth(api.http().patch(path));
      return body === undefined ? t : t.send(body as object);
    },
    put: (path, body) => {
      const t = auth(api.http().put(path));
      return body === undefined ? t : t.send(body as object);
    },
    delete: (path) => auth(api.http().delete(path)),
  };
}

/** The fields named by a problem response. */
export const fieldsOf = (body: unknown): string[] =>
  ((body as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field);
