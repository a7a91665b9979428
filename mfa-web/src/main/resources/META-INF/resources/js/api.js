// The pages' one way to the edge: same-origin fetch with the CSRF header, problems as ApiError, busy buttons,
// and the two guards (password re-entry, second step) that a change may ask for.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
  get slug() {
    const t = this.problem.type || '';
    return t.substring(t.lastIndexOf('/') + 1);
  }
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (method !== 'GET') headers['X-Requested-With'] = 'mfa-web';
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, { title: 'Cannot reach the server', detail: 'Check your connection and try again.' });
  }
  const type = res.headers.get('Content-Type') || '';
  const data = res.status === 204 ? null : type.includes('json') ? await res.json().catch(() => ({})) : null;
  if (!res.ok) {
    if (res.status === 401 && data && data.verified === false) return { status: 401, ...data };
    throw new ApiError(res.status, data && data.title ? data
      : { title: `Request failed (${res.status})`, detail: 'Please try again.' });
  }
  return data === null ? { status: res.status } : Object.assign(data, { status: res.status });
}

export const $ = (sel, root = document) => root.querySelector(sel);

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
    else if (v !== false && v !== null && v !== undefined) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
}

/** Shows an API problem's title and detail in `box` (an element with role=alert). */
export function showError(box, err) {
  const p = err instanceof ApiError ? err.problem
    : { title: 'Something went wrong', detail: String(err.message || err) };
  box.replaceChildren(el('strong', {}, p.title || 'Error'), p.detail ? el('span', {}, p.detail) : null);
  if (p.attemptsRemaining !== undefined) box.append(el('span', {}, ` Attempts left: ${p.attemptsRemaining}.`));
  if (p.retryAfterSeconds !== undefined) box.append(el('span', {}, ` Try again in ${p.retryAfterSeconds} s.`));
  box.hidden = false;
}

export function clearError(box) {
  box.hidden = true;
  box.replaceChildren();
}

/** Runs `fn` with `button` disabled and showing progress; errors go to `errorBox`. */
export async function busy(button, errorBox, fn) {
  if (button.disabled) return undefined;
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.replaceChildren(el('span', { class: 'spinner', 'aria-hidden': 'true' }), label);
  if (errorBox) clearError(errorBox);
  try {
    return await fn();
  } catch (e) {
    if (errorBox) showError(errorBox, e); else throw e;
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

export async function session() {
  try {
    return await api('GET', '/session');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

export async function signOut() {
  await api('POST', '/logout');
  location.assign('/login');
}

/** Header: who is signed in, the pages they may use, sign out. */
export function header(s) {
  const nav = $('header nav');
  if (!nav || !s) return;
  const links = [el('a', { href: '/account.html' }, 'Secure your account')];
  if (s.groups.includes('org-admin')) links.push(el('a', { href: '/org.html' }, 'MFA for your organization'));
  const out = el('button', { type: 'button', class: 'secondary', id: 'sign-out' }, 'Sign out');
  out.addEventListener('click', () => busy(out, null, signOut));
  nav.replaceChildren(...links, el('span', { class: 'muted' }, s.userId), out);
}

// ------------------------------------------------------------------------- guards: password, second step

const REAUTH = new Set(['reauth-required']);
const STEP_UP = new Set(['mfa-assertion-required', 'mfa-assertion-invalid', 'step-up-required']);

/**
 * Runs `fn`; when the service asks for the password again or for a fresh second step, asks the user in a dialog,
 * lets the edge keep the answer in the session, and runs `fn` again.
 */
export async function guarded(fn) {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401 || i >= 3) throw e;
      if (REAUTH.has(e.slug)) await askPassword();
      else if (STEP_UP.has(e.slug)) await stepUp();
      else throw e;
    }
  }
}

function modal(title, intro, body, submitLabel, onSubmit) {
  return new Promise((resolve, reject) => {
    const err = el('div', { class: 'error', role: 'alert', hidden: true });
    const submit = el('button', { type: 'submit' }, submitLabel);
    const cancel = el('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const form = el('form', {}, el('h2', { id: 'dlg-title' }, title), el('p', {}, intro), body, err, submit, cancel);
    const dlg = el('dialog', { 'aria-labelledby': 'dlg-title' }, form);
    document.body.append(dlg);
    let done = false;
    const close = (ok, value) => {
      done = true;
      dlg.close();
      dlg.remove();
      if (ok) resolve(value); else reject(new ApiError(0, { title: 'Cancelled', detail: 'Nothing was changed.' }));
    };
    cancel.addEventListener('click', () => close(false));
    dlg.addEventListener('cancel', (ev) => { ev.preventDefault(); close(false); });
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      busy(submit, err, async () => { const v = await onSubmit(err); if (v !== undefined && !done) close(true, v); });
    });
    dlg.showModal();
    const first = form.querySelector('input, select');
    if (first) first.focus();
  });
}

function askPassword() {
  const input = el('input',
    { type: 'password', id: 'reauth-password', autocomplete: 'current-password', required: true });
  return modal('Confirm it is you', 'Enter your password again to change your sign-in methods.',
    [el('label', { for: 'reauth-password' }, 'Password'), input], 'Confirm', async () => {
      await api('POST', '/api/v1/me/reauth', { password: input.value });
      return true;
    });
}

const METHOD_NAMES = { TOTP: 'Authenticator app', SMS: 'Text message (SMS)', RECOVERY_CODE: 'Recovery code' };

async function stepUp() {
  const ch = await api('POST', '/api/v1/challenges');
  if (ch.status === 200) return true; // no second step needed (or a trusted device)
  const methods = ch.methods.filter((m) => METHOD_NAMES[m]);
  const select = el('select', { id: 'stepup-method' },
    methods.map((m) => el('option', { value: m }, METHOD_NAMES[m])));
  const code = el('input', { type: 'text', id: 'stepup-code', class: 'code', autocomplete: 'one-time-code',
    required: true });
  const send = el('button', { type: 'button', class: 'secondary', id: 'stepup-send' }, 'Text me a code');
  const sync = () => { send.hidden = select.value !== 'SMS'; };
  select.addEventListener('change', sync);
  sync();
  send.addEventListener('click', () => busy(send, null,
    () => api('POST', `/api/v1/challenges/${encodeURIComponent(ch.challengeId)}/sms`)));
  return modal('Confirm with your second step', 'This change needs a fresh second step.',
    [el('label', { for: 'stepup-method' }, 'Method'), select, el('label', { for: 'stepup-code' }, 'Code'), code,
      send], 'Verify', async (err) => {
      const r = await api('POST', `/api/v1/challenges/${encodeURIComponent(ch.challengeId)}/verify`,
        { method: select.value, code: code.value.replace(/\s+/g, '') });
      if (r.verified) return true;
      showError(err, new ApiError(401, { title: 'That code did not work', detail: '',
        attemptsRemaining: r.attemptsRemaining }));
      return undefined;
    });
}
