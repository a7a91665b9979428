import { api, busy, guarded, session, showError, el, header, $ } from './api.js';

let org;
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
    return el('tr', {}, el('td', {}, u.userId), el('td', {}, u.enrolled ? 'yes' : 'no'),
      el('td', {}, (u.methods || []).join(', ') || '—'), el('td', {}, u.requirement),
      el('td', {}, u.enrolled ? reset : ''));
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

$('#policy-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  $('#policy-saved').hidden = true;
  busy($('#save-policy'), $('#policy-error'), async () => {
    const d = $('#deadline').value;
    const body = {
      enabled: $('#enabled').checked,
      enforcementDeadline: d ? `${d}T00:00:00Z` : null,
      allowedMethods: [...document.querySelectorAll('input[name=method]:checked')].map((b) => b.value),
    };
    const p = await guarded(() => api('PUT', `/api/v1/orgs/${encodeURIComponent(org)}/mfa-policy`, body));
    showPolicy(p);
    $('#policy-saved').textContent = 'Policy saved.';
    $('#policy-saved').hidden = false;
    await loadReport();
  });
});

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
      showPolicy(await api('GET', `/api/v1/orgs/${encodeURIComponent(org)}/mfa-policy`));
      await loadReport();
    }
  }
} catch (e) {
  showError($('#page-error'), e);
}
