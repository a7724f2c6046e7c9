import type { Response } from 'express';
import { errorDescription, type OAuthFailure } from './failure';
import { formPostPage } from './sign-in-page';

/** Sending the result of /authorize back to the app: query string (302) or form_post. */
export const errorParams = (e: OAuthFailure): Record<string, string> => ({
  error: e.suberror === 'consent_required' ? 'consent_required' : e.error,
  error_description: errorDescription(e.aadsts, e.description),
});

export function sendBack(
  res: Response,
  back: { redirectUri: string; responseMode: 'query' | 'form_post'; state: string | undefined },
  params: Record<string, string>,
): void {
  const all = { ...params, ...(back.state !== undefined ? { state: back.state } : {}) };
  if (back.responseMode === 'form_post') {
    res
      .status(200)
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(formPostPage(back.redirectUri, all));
    return;
  }
  const url = new URL(back.redirectUri);
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  res.redirect(302, url.toString());
}
