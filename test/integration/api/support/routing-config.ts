import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TestApi } from '../../../support/api';
import { fieldsOf, type Client } from './client';
import { snapshot } from './snapshot';

/** A prompt directory holding `welcome.wav` and `menu.wav` (API_PROMPT_DIR for the test API). */
export function promptDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccx-prompts-'));
  for (const name of ['welcome.wav', 'menu.wav']) writeFileSync(join(dir, name), 'RIFF');
  return dir;
}

/** A Teams user id (Entra object id) made from a number. */
export const userId = (n: number) => `aaaaaaaa-0000-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * Runs a request the API must refuse with `status`, naming exactly `fields`, and checks it
 * changed nothing in the database.
 */
export async function refused(
  api: TestApi,
  request: () => PromiseLike<{ status: number; body: unknown; text: string }>,
  status: number,
  fields: string[],
): Promise<string> {
  const before = await snapshot(api.db);
  const res = await request();
  expect(res.status, res.text).toBe(status);
  expect(fieldsOf(res.body).sort()).toEqual([...fields].sort());
  expect(await snapshot(api.db)).toEqual(before);
  return (res.body as { detail?: string }).detail ?? '';
}

/** POSTs a body that must be accepted and returns the new object's id. */
export async function created(t: Client, path: string, body: object): Promise<string> {
  const res = await t.post(path, body);
  expect(res.status, `${path}: ${res.text}`).toBe(201);
  return (res.body as { id: string }).id;
}
