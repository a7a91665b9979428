import { api, busy, session, showError, clearError, el, header, $ } from './api.js';

const NAMES = { TOTP: 'Authenticator app', SMS: 'Text message (SMS)', RECOVERY_CODE: 'Recovery code' };
const HINTS = {
  TOTP: 'Enter the 6-digit code your authenticator app shows now.',
  SMS: 'We text a 6-digit code to your phone.',
  RECOVERY_CODE: 'Enter the recovery code you saved when you set up MFA. It works once.',
};
let challenge;
let method;

function done(recoveryCodeUsed) {
  location.replace(recoveryCodeUsed ? '/account.html?recovery=used' : '/account.html');
}

function choose(m) {
  method = m;
  $('#method-title').textContent = NAMES[m];
  $('#method-hint').textContent = m === 'SMS' && challenge.phoneMasked
    ? `We text a 6-digit code to ${challenge.phoneMasked}.` : HINTS[m];
  $('#code-label').textContent = m === 'RECOVERY_CODE' ? 'Recovery code' : 'Code';
  $('#code').value = '';
  $('#code').setAttribute('inputmode', m === 'RECOVERY_CODE' ? 'text' : 'numeric');
  $('#send-sms').hidden = m !== 'SMS';
  $('#sms-sent').hidden = true;
  clearError($('#verify-error'));
  const others = challenge.methods.filter((x) => x !== m && NAMES[x]);
  $('#other-methods').hidden = others.length === 0;
  $('#methods').replaceChildren(...others.map((x) => el('li', {}, el('button', {
    type: 'button', class: 'secondary', 'data-method': x,
    onclick: () => { toggle(false); choose(x); $('#code').focus(); },
  }, NAMES[x]))));
}

function toggle(open) {
  $('#methods').hidden = !open;
  $('#other-methods').setAttribute('aria-expanded', String(open));
}

$('#other-methods').addEventListener('click', () => toggle($('#methods').hidden));

$('#send-sms').addEventListener('click', () => busy($('#send-sms'), $('#verify-error'), async () => {
  await api('POST', `/api/v1/challenges/${encodeURIComponent(challenge.challengeId)}/sms`);
  $('#sms-sent').textContent = 'Code sent. It may take a moment to arrive.';
  $('#sms-sent').hidden = false;
  $('#code').focus();
}));

$('#verify-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  busy($('#verify'), $('#verify-error'), async () => {
    const r = await api('POST', `/api/v1/challenges/${encodeURIComponent(challenge.challengeId)}/verify`,
      { method, code: $('#code').value.replace(/\s+/g, '') });
    if (r.verified) {
      done(r.recoveryCodeUsed);
      return;
    }
    $('#verify-error').hidden = false;
    $('#verify-error').replaceChildren(el('strong', {}, 'That code did not work.'),
      el('span', {}, r.attemptsRemaining !== undefined ? `Attempts left: ${r.attemptsRemaining}.` : 'Try again.'));
    $('#code').select();
  });
});

try {
  const s = await session();
  if (!s) location.replace('/login');
  else if (s.stage === 'SIGNED_IN') location.replace('/account.html');
  else {
    header(s);
    const r = await api('POST', '/api/v1/challenges');
    if (r.status === 200) done(false); // MFA not needed (yet), or a remembered device
    else {
      challenge = r;
      $('#intro').textContent = 'Confirm it is you with one of your sign-in methods.';
      $('#step').hidden = false;
      choose(challenge.methods.includes('TOTP') ? 'TOTP' : challenge.methods.find((m) => NAMES[m]));
      $('#code').focus();
    }
  }
} catch (e) {
  if (e.status === 409) location.replace('/account.html'); // enrollment-required: set up a method first
  else {
    $('#intro').hidden = true;
    showError($('#page-error'), e);
  }
}
