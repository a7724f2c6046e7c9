import { z } from 'zod';
import { malformed, missingParameter } from './failure';

/** A form-encoded OAuth request: every parameter once, as a string. */
export type OAuthForm = Readonly<Record<string, string>>;

const formSchema = z.record(z.string(), z.string());

/** Parses a query or urlencoded body; a repeated or structured parameter is a malformed request. */
export function parseForm(input: unknown): OAuthForm {
  const parsed = formSchema.safeParse(input ?? {});
  if (!parsed.success) throw malformed('a parameter is repeated or not a string');
  return parsed.data;
}

export function required(form: OAuthForm, name: string): string {
  const value = form[name];
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

export function optional(form: OAuthForm, name: string): string | undefined {
  const value = form[name];
  return value === undefined || value === '' ? undefined : value;
}
