import { html } from '../html.ts';
import { page } from '../layout.ts';

export function loginPage(failed: boolean): string {
  return page(
    'Log in',
    null,
    html`<h1>Log in</h1>
${failed ? html`<div class="notice warn">That token is not the console's token.</div>` : ''}
<form method="post" action="/login" class="notice"><label>Console token (SPOC_CONSOLE_TOKEN) <input type="password" name="token" autocomplete="current-password" required></label> <button type="submit">Log in</button></form>`,
  );
}

export function errorPage(status: number, message: string): string {
  return page(
    status === 404 ? 'Not found' : 'Cannot do that',
    null,
    html`<h1>${status === 404 ? 'Not found' : 'Cannot do that'}</h1><div class="notice warn" data-test="error">${message}</div><p><a href="/">Back to the overview</a></p>`,
  );
}
