import type { Response } from 'express';
import { oauthError } from '../errors';
import { OAuthFailure } from './failure';

/** Sends a failure as the token endpoint's JSON error body (with `suberror` when there is one). */
export function sendFailure(res: Response, e: unknown): void {
  if (!(e instanceof OAuthFailure)) throw e;
  oauthError(
    res,
    e.status,
    e.error,
    e.aadsts,
    e.description,
    e.suberror ? { suberror: e.suberror } : {},
  );
}

export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page Entra ID shows when it cannot send the user back to the app (bad client, bad redirect). */
export function sendErrorPage(res: Response, failure: OAuthFailure): void {
  res
    .status(failure.status)
    .type('html')
    .set('Cache-Control', 'no-store')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>Sign in to your account</title></head>` +
        `<body><h1>Sorry, but we're having trouble signing you in.</h1>` +
        `<p id="error">${escapeHtml(failure.message)}</p></body></html>`,
    );
}
