import { api, busy, $ } from './api.js';

const form = $('#login-form');
form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  busy($('#sign-in'), $('#login-error'), async () => {
    await api('POST', '/login', { userId: $('#userId').value.trim(), password: $('#password').value });
    $('#password').value = '';
    location.assign('/verify.html');
  });
});
