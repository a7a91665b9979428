import { api, busy, guarded, session, showError, el, header, $ } from './api.js';

let org;
const AUDIT_SIZE = 20;
let auditPage = 0;
let auditUser = '';
const orgPath = (rest) => `/api/v1/orgs/${encodeURIComponent(org)}${rest}`;
const ymd = (iso) => (iso ? iso.substring(0, 10) : '');
const STATE = { DISABLED: 'MFA is off.', EARLY_ENROLLMENT: 'Early enrollment: optional until the deadline.',
  ENFORCED: 'MFA is required for everyone.' };

function showPolicy(p) {
  $('#policy-state').textContent = STATE[p.state] || p.state;
  $('#enabled').checked = p.enabled;
  $('#deadline').value = ymd(p.enforcementDeadline);
  for (const box of document.querySelectorAll('input[name=method]')) {
    box.checked = (p.allowedMethods || []).includes(box.value);
  }
}

async function loadReport() {
  const r = await api('GET', `/api/v1/orgs/${encodeURIComponent(org)}/mfa-report?size=200`);
  $('#report-summary').textContent = `${r.enrolled} of ${r.total} enrolled, ${r.notEnrolled} not enrolled.`;
  $('#report-rows').replaceChildren(...r.users.map((u) => {
    const reset = el('button', { type: 'button', class: 'danger', 'data-user': u.userId }, `Reset MFA of ${u.userId}`);
    reset.addEventListener('click', () => confirmReset(u.userId, reset));
    const exempt = el('button', { type: 'button', class: 'secondary', 'data-exempt': u.userId },
      `Exempt ${u.userId}`);
    exempt.addEventListener('click', () => { $('#ex-user').value = u.userId; $('#ex-until').focus(); });
    return el('tr', {}, el('td', {}, u.userId), el('td', {}, u.enrolled ? 'yes' : 'no'),
      el('td', {}, (u.methods || []).join(', ') || '—'), el('td', {}, u.requirement),
      el('td', {}, u.enrolled ? reset : '', exempt));
  }));
}

function confirmReset(userId, button) {
  const yes = el('button', { type: 'button', class: 'danger', id: 'confirm-reset' }, 'Reset');
  const no = el('button', { type: 'button', class: 'secondary', id: 'cancel-reset' }, 'Cancel');
  const err = el('div', { class: 'error', role: 'alert', hidden: true });
  const dlg = el('dialog', { 'aria-labelledby': 'reset-title' },
    el('h2', { id: 'reset-title' }, `Reset MFA of ${userId}?`),
    el('p', {}, 'Their sign-in methods and recovery code are removed; they must set up MFA again.'), err, yes, no);
  document.body.append(dlg);
  const close = () => { dlg.close(); dlg.remove(); button.focus(); };
  no.addEventListener('click', close);
  dlg.addEventListener('close', () => dlg.remove());
  yes.addEventListener('click', () => busy(yes, err, async () => {
    const path = `/api/v1/orgs/${encodeURIComponent(org)}/users/${encodeURIComponent(userId)}/mfa-reset`;
    await guarded(() => api('POST', path));
    close();
    await loadReport();
  }));
  dlg.showModal();
  no.focus();
}

function policyBody() {
  const d = $('#deadline').value;
  return {
    enabled: $('#enabled').checked,
    enforcementDeadline: d ? `${d}T00:00:00Z` : null,
    allowedMethods: [...document.querySelectorAll('input[name=method]:checked')].map((b) => b.value),
  };
}

$('#policy-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  $('#policy-saved').hidden = true;
  busy($('#save-policy'), $('#policy-error'), async () => {
    const p = await guarded(() => api('PUT', orgPath('/mfa-policy'), policyBody()));
    showPolicy(p);
    $('#preview').hidden = true;
    $('#policy-saved').textContent = 'Policy saved.';
    $('#policy-saved').hidden = false;
    await loadReport();
    await loadAudit();
  });
});

// A preview describes the form as it was; any edit makes it stale.
$('#policy-form').addEventListener('input', () => { $('#preview').hidden = true; });

$('#preview-policy').addEventListener('click', () => {
  $('#policy-saved').hidden = true;
  $('#preview').hidden = true;
  busy($('#preview-policy'), $('#policy-error'), async () => {
    const r = await api('POST', orgPath('/mfa-policy/preview'), policyBody());
    $('#pv-state').textContent = STATE[r.state] || r.state;
    $('#pv-now').textContent = r.requiredNow;
    $('#pv-deadline').textContent = r.requiredAtDeadline;
    $('#pv-without').textContent = r.withoutFactor;
    $('#pv-payees').textContent = r.payees;
    $('#pv-exempt').textContent = r.exempt;
    const sample = r.withoutFactorSample || [];
    $('#pv-sample').textContent = sample.length === 0 ? 'Everyone required has a sign-in method.'
      : `Without a sign-in method${sample.length < r.withoutFactor ? ' (first ' + sample.length + ')' : ''}: `
        + sample.join(', ');
    $('#preview').hidden = false;
  });
});

// ------------------------------------------------------------------------- exemptions

function exemptionDone(text) {
  $('#exempt-done').textContent = text;
  $('#exempt-done').hidden = false;
}

function exemptUser() {
  const user = $('#ex-user').value.trim();
  if (!user) throw new Error('Enter the user id.');
  return user;
}

$('#exempt-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  $('#exempt-done').hidden = true;
  busy($('#grant-exemption'), $('#exempt-error'), async () => {
    const user = exemptUser();
    const d = $('#ex-until').value;
    // Empty fields go to the service as they are, so that its 422 names what is missing.
    const body = { until: d ? `${d}T00:00:00Z` : null, reason: $('#ex-reason').value };
    const r = await guarded(() => api('PUT', orgPath(`/users/${encodeURIComponent(user)}/mfa-exemption`), body));
    exemptionDone(`${r.userId} is exempt until ${ymd(r.until)}.`);
    await loadReport();
    await loadAudit();
  });
});

$('#remove-exemption').addEventListener('click', () => {
  $('#exempt-done').hidden = true;
  busy($('#remove-exemption'), $('#exempt-error'), async () => {
    const user = exemptUser();
    await guarded(() => api('DELETE', orgPath(`/users/${encodeURIComponent(user)}/mfa-exemption`)));
    exemptionDone(`${user} has no exemption now.`);
    await loadReport();
    await loadAudit();
  });
});

// ------------------------------------------------------------------------- audit trail

const when = (iso) => (iso ? iso.replace('T', ' ').substring(0, 19) : '');
const detailText = (d) => Object.entries(d || {}).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
  .join('; ');

async function loadAudit() {
  const q = new URLSearchParams({ page: auditPage, size: AUDIT_SIZE });
  if (auditUser) q.set('userId', auditUser);
  const r = await api('GET', orgPath(`/mfa-audit?${q}`));
  const first = r.total === 0 ? 0 : auditPage * AUDIT_SIZE + 1;
  $('#audit-summary').textContent = r.total === 0 ? 'No entries.'
    : `Entries ${first}–${auditPage * AUDIT_SIZE + r.items.length} of ${r.total}, newest first.`;
  $('#audit-rows').replaceChildren(...r.items.map((a) => el('tr', {}, el('td', {}, when(a.at)),
    el('td', {}, a.type), el('td', {}, a.actorId || 'system'), el('td', {}, a.userId || '—'),
    el('td', { class: 'detail' }, detailText(a.detail)))));
  $('#audit-newer').hidden = auditPage === 0;
  $('#audit-older').hidden = (auditPage + 1) * AUDIT_SIZE >= r.total;
}

$('#audit-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  busy($('#audit-filter'), $('#audit-error'), async () => {
    auditUser = $('#audit-user').value.trim();
    auditPage = 0;
    await loadAudit();
  });
});

for (const [id, step] of [['#audit-newer', -1], ['#audit-older', 1]]) {
  $(id).addEventListener('click', () => busy($(id), $('#audit-error'), async () => {
    auditPage = Math.max(0, auditPage + step);
    try {
      await loadAudit();
    } catch (e) {
      auditPage -= step;
      throw e;
    }
  }));
}

try {
  const s = await session();
  if (!s) location.replace('/login');
  else if (s.stage !== 'SIGNED_IN') location.replace('/verify.html');
  else {
    header(s);
    org = s.orgId;
    if (!s.groups.includes('org-admin')) {
      showError($('#page-error'), { message: 'Only an org admin can manage the organization.' });
    } else {
      showPolicy(await api('GET', orgPath('/mfa-policy')));
      await loadReport();
      await loadAudit();
    }
  }
} catch (e) {
  showError($('#page-error'), e);
}
