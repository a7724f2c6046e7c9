import { escapeHtml } from './render';

/**
 * The emulated sign-in page: one form with the user name and password, field names and element
 * ids as on login.microsoftonline.com (`loginfmt` #i0116, `passwd` #i0118, submit #idSIButton9),
 * so a browser test reads like one written against the real page. No JavaScript needed.
 */
export function signInPage(options: {
  action: string;
  ctx: string;
  appName: string;
  loginHint?: string;
  error?: string;
}): string {
  const error = options.error
    ? `<div id="usernameError" role="alert">${escapeHtml(options.error)}</div>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title></head>
<body>
<main>
<h1>Sign in</h1>
<p>to continue to ${escapeHtml(options.appName)}</p>
${error}
<form method="post" action="${escapeHtml(options.action)}" id="signin">
<input type="hidden" name="ctx" value="${escapeHtml(options.ctx)}">
<label for="i0116">Email, phone, or Skype</label>
<input type="email" name="loginfmt" id="i0116" autocomplete="username" value="${escapeHtml(options.loginHint ?? '')}" required>
<label for="i0118">Password</label>
<input type="password" name="passwd" id="i0118" autocomplete="current-password" required>
<input type="submit" id="idSIButton9" value="Sign in">
</form>
</main>
</body></html>
`;
}

/** response_mode=form_post: a page that posts the result to the redirect URI by itself. */
export function formPostPage(redirectUri: string, params: Record<string, string>): string {
  const fields = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Working...</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="${escapeHtml(redirectUri)}">
${fields}
<noscript><input type="submit" value="Continue"></noscript>
</form>
</body></html>
`;
}
