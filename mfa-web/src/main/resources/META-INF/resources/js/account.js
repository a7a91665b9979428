import { api, busy, guarded, session, showError, clearError, el, header, $ } from './api.js';

const METHOD = { TOTP: 'Authenticator app', SMS: 'Text message', PASSKEY: 'Passkey' };
let me;
let sess;
let enrollment;

const fmtDate = (iso) => new Date(iso)
  .toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });

function statusText(m) {
  switch (m.requirement) {
    case 'REQUIRED':
      return m.factors.length ? 'MFA is required for your account, and it is on.'
        : 'MFA is required for your account: set up a second step now to keep using it.';
    case 'OPTIONAL': {
      const days = m.daysUntilEnforcement;
      const left = days === 1 ? '1 day' : `${days} days`;
      return m.factors.length ? `MFA is on. Your organization requires it from ${fmtDate(m.enforcementDeadline)}.`
        : `Your organization requires MFA from ${fmtDate(m.enforcementDeadline)}: ${left} left to set it up.`;
    }
    default:
      return m.factors.length ? 'MFA is on for your account.' : 'MFA is optional for your account.';
  }
}

function render() {
  $('#status-text').textContent = statusText(me);
  const list = $('#factors');
  list.replaceChildren(...me.factors.map((f) => {
    const remove = el('button', { type: 'button', class: 'danger', 'data-factor': f.factorId },
      `Remove ${METHOD[f.method] || f.method}`);
    remove.addEventListener('click', () => busy(remove, $('#factors-error'), async () => {
      await guarded(() => api('DELETE', `/api/v1/me/mfa/factors/${encodeURIComponent(f.factorId)}`));
      await reload();
    }));
    const added = `added ${fmtDate(f.createdAt)}`;
    return el('li', { 'data-method': f.method }, el('span', {}, el('strong', {}, METHOD[f.method] || f.method), ' ',
      f.phoneMasked ? `${f.phoneMasked} · ` : '', el('span', { class: 'muted' }, added)), remove);
  }));
  $('#no-factors').hidden = me.factors.length > 0;
  // The sign-in that used the code says so at once; the status follows through the event bus a moment later.
  const usedNow = new URLSearchParams(location.search).get('recovery') === 'used';
  const rc = usedNow ? 'USED' : me.recoveryCode.status;
  $('#rcode-card').hidden = rc === 'NONE';
  $('#rcode-text').textContent = rc === 'USED'
    ? 'Your recovery code was used to sign in and no longer works. Get a new one.'
    : 'You have a recovery code. Getting a new one makes the old one stop working.';
  $('#recovery-notice').hidden = !usedNow;
}

async function reload() {
  me = await api('GET', '/api/v1/me/mfa');
  render();
}

function showRecoveryCode(code) {
  $('#recovery-code').textContent = code;
  $('#saved-it').checked = false;
  $('#recovery-done').disabled = true;
  $('#copied').textContent = '';
  $('#recovery').hidden = false;
  $('#recovery').scrollIntoView();
  $('#copy-code').focus();
}

$('#copy-code').addEventListener('click', async () => {
  try {
    await navigator.clipboard.writeText($('#recovery-code').textContent);
    $('#copied').textContent = 'Copied.';
  } catch (e) {
    $('#copied').textContent = 'Copying is not allowed here: select the code and copy it by hand.';
  }
});
$('#download-code').addEventListener('click', () => {
  const text = `MFA recovery code for ${me.userId}\n${$('#recovery-code').textContent}\n`;
  const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/plain' })),
    download: 'mfa-recovery-code.txt' });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
});
$('#saved-it').addEventListener('change', () => { $('#recovery-done').disabled = !$('#saved-it').checked; });
$('#recovery-done').addEventListener('click', () => {
  $('#recovery-code').textContent = '';
  $('#recovery').hidden = true;
  $('#factors-title').focus();
});

$('#new-code').addEventListener('click', () => busy($('#new-code'), $('#rcode-error'), async () => {
  const r = await guarded(() => api('POST', '/api/v1/me/mfa/recovery-code'));
  history.replaceState(null, '', '/account.html');
  await reload();
  showRecoveryCode(r.recoveryCode);
}));

// ------------------------------------------------------------------------------------- authenticator app

const group4 = (s) => s.replace(/\s+/g, '').match(/.{1,4}/g).join(' ');

$('#add-totp').addEventListener('click', () => busy($('#add-totp'), $('#add-error'), async () => {
  enrollment = await guarded(() => api('POST', '/api/v1/me/mfa/authenticator-app'));
  $('#sms-setup').hidden = true;
  $('#qr').src = enrollment.qrCodeDataUri;
  $('#manual-key').textContent = group4(enrollment.secret);
  $('#manual-key').setAttribute('aria-label', enrollment.secret.split('').join(' '));
  $('#totp-code').value = '';
  clearError($('#totp-error'));
  $('#totp-setup').hidden = false;
  $('#totp-code').focus();
}));

async function confirmed(r) {
  enrollment = null;
  $('#totp-setup').hidden = true;
  $('#sms-setup').hidden = true;
  await reload();
  if (r.recoveryCode) showRecoveryCode(r.recoveryCode);
}

$('#totp-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  busy($('#totp-confirm'), $('#totp-error'), async () => {
    const r = await api('POST', `/api/v1/me/mfa/enrollments/${encodeURIComponent(enrollment.enrollmentId)}/confirm`,
      { code: $('#totp-code').value.replace(/\s+/g, '') });
    await confirmed(r);
  });
});

// ------------------------------------------------------------------------------------- SMS

$('#add-sms').addEventListener('click', () => busy($('#add-sms'), $('#add-error'), async () => {
  const countries = await api('GET', '/api/v1/sms-countries');
  const list = Array.isArray(countries) ? countries : Object.values(countries).filter((c) => c && c.country);
  $('#sms-country').replaceChildren(...list.map((c) => el('option', { value: c.country },
    `${c.name} (${c.callingCode})`)));
  const note = $('#sms-country-note');
  note.hidden = !(sess.pay === 'payee' && list.length === 1);
  if (!note.hidden) note.textContent = `Only ${list[0].name} numbers: Pay payees receive codes on US numbers only.`;
  $('#totp-setup').hidden = true;
  $('#sms-form').hidden = false;
  $('#sms-confirm-form').hidden = true;
  $('#sms-setup').hidden = false;
  $('#sms-country').focus();
}));

$('#sms-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  busy($('#sms-send'), $('#sms-error'), async () => {
    enrollment = await guarded(() => api('POST', '/api/v1/me/mfa/sms',
      { countryCode: $('#sms-country').value, phoneNumber: $('#sms-phone').value.trim() }));
    $('#sms-sent-to').textContent = `We sent a code to ${enrollment.phoneMasked}.`;
    $('#sms-form').hidden = true;
    $('#sms-confirm-form').hidden = false;
    $('#sms-code').focus();
  });
});

$('#sms-confirm-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  busy($('#sms-confirm'), $('#sms-confirm-error'), async () => {
    const r = await api('POST', `/api/v1/me/mfa/enrollments/${encodeURIComponent(enrollment.enrollmentId)}/confirm`,
      { code: $('#sms-code').value.replace(/\s+/g, '') });
    await confirmed(r);
  });
});

$('#sms-resend').addEventListener('click', () => busy($('#sms-resend'), $('#sms-confirm-error'), async () => {
  await api('POST', `/api/v1/me/mfa/enrollments/${encodeURIComponent(enrollment.enrollmentId)}/resend`);
  $('#sms-sent-to').textContent = `We sent a new code to ${enrollment.phoneMasked}.`;
}));

try {
  const s = await session();
  sess = s;
  if (!s) location.replace('/login');
  else if (s.stage !== 'SIGNED_IN') location.replace('/verify.html');
  else {
    header(s);
    $('#factors-title').setAttribute('tabindex', '-1');
    await reload();
  }
} catch (e) {
  showError($('#page-error'), e);
}
