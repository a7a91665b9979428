import { session, showError, $ } from './api.js';

// The start page only sends people where they belong.
try {
  const s = await session();
  location.replace(!s ? '/login' : s.stage === 'SIGNED_IN' ? '/account.html' : '/verify.html');
} catch (e) {
  const box = document.createElement('div');
  box.className = 'error';
  box.setAttribute('role', 'alert');
  $('#main').replaceChildren(box);
  showError(box, e);
}
