// The portalid web client: register, confirm the contact, set a password,
// sign in, save the personal data step by step, submit it for the
// registry check and watch its progress, order a letter and enter its
// code, see the level, the confirmation method and the security events.
// Plain DOM; every text comes from i18n.js, every server value is set
// as text (never as HTML).
import { call, clearTokens, newKey, NetworkError, Problem, setTokens, signedIn } from './api.js';
import { clock, has, language, setLanguage, t, translate, when } from './i18n.js';

const TERMS_VERSION = '2026-01';
const POLL_MS = 1000;

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];

const state = {
  view: 'register',
  reg: null, // {registrationId, contacts, phone, email}
  login: '',
  me: null,
  profile: {},
  missing: [],
  step: 1,
  check: null,
  editedSinceCheck: false,
  letter: null,
  events: [],
  outbox: [],
};

// ── views and messages ─────────────────────────────────────────────────

function show(view) {
  state.view = view;
  for (const v of $$('.view')) v.hidden = v.id !== `view-${view}`;
  const h = $(`#view-${view} h1`);
  document.title = `${h.textContent} — portalid`;
  h.focus();
}

function announce(text) {
  const s = $('#status');
  s.textContent = '';
  // A fresh node makes screen readers read it even when it repeats.
  requestAnimationFrame(() => { s.textContent = text; });
}

function clearErrors(form) {
  const box = $('.errors', form);
  box.hidden = true;
  box.replaceChildren();
  for (const el of $$('.field-error', form)) el.remove();
  for (const el of $$('[aria-invalid]', form)) {
    el.removeAttribute('aria-invalid');
    const ids = (el.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && !id.endsWith('-error'));
    if (ids.length) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  }
}

/** Shows an error: next to each field the API named, and in the summary. */
function showError(form, err) {
  clearErrors(form);
  const box = $('.errors', form);
  const items = [];
  if (err instanceof Problem && err.errors.length) {
    for (const e of err.errors) {
      const input = fieldFor(form, e.pointer);
      const text = has(`reason.${e.reason}`) ? t(`reason.${e.reason}`) : t('error.field');
      if (input) {
        markField(input, text);
        items.push({ text: `${labelOf(input)}: ${text}`, target: input.id });
      } else {
        items.push({ text });
      }
    }
  } else if (err instanceof Problem) {
    let text = has(`problem.${err.slug}`) ? t(`problem.${err.slug}`) : err.title || t('error.generic');
    if (err.retryAfter) text += ` ${t('error.retryAfter', { seconds: err.retryAfter })}`;
    items.push({ text });
  } else if (err instanceof NetworkError) {
    items.push({ text: t('error.network') });
  } else {
    items.push({ text: err.message || t('error.generic') });
  }
  const title = document.createElement('p');
  title.textContent = t('error.summary');
  const list = document.createElement('ul');
  for (const it of items) {
    const li = document.createElement('li');
    if (it.target) {
      const a = document.createElement('a');
      a.href = `#${it.target}`;
      a.textContent = it.text;
      a.addEventListener('click', (ev) => { ev.preventDefault(); document.getElementById(it.target).focus(); });
      li.append(a);
    } else {
      li.textContent = it.text;
    }
    list.append(li);
  }
  box.append(title, list);
  box.hidden = false;
  box.focus();
}

function fieldFor(form, pointer) {
  return $$('[data-pointer]', form).find((el) => el.dataset.pointer === pointer && !el.closest('[hidden]'))
    || $$('[data-pointer]', form).find((el) => el.dataset.pointer === pointer);
}

function labelOf(input) {
  const fs = input.type === 'radio' ? input.closest('fieldset') : null;
  if (fs) return $('legend', fs).textContent;
  return input.labels?.[0]?.textContent || input.name;
}

function markField(input, text) {
  const p = document.createElement('p');
  p.className = 'field-error';
  p.id = `${input.id}-error`;
  p.textContent = text;
  const field = input.closest('.field, .check') || input.parentElement;
  field.append(p);
  input.setAttribute('aria-invalid', 'true');
  const ids = (input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  input.setAttribute('aria-describedby', [...ids, p.id].join(' '));
}

/** Runs a form's submission with its button busy and its errors shown. */
function onSubmit(form, action) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = $('button[type=submit]', form);
    if (button.disabled) return;
    clearErrors(form);
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await action(form);
    } catch (err) {
      if (err instanceof Problem && err.status === 401 && signedIn()) return signOut(err);
      showError(form, err);
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}

/** Idempotency-Key for a body: kept while the same body is retried after a network failure. */
const keys = new Map();
function keyFor(name, body) {
  const json = JSON.stringify(body);
  const k = keys.get(name);
  if (k && k.json === json) return k.key;
  const key = newKey();
  keys.set(name, { json, key });
  return key;
}

const value = (form, name) => (form.elements[name]?.value || '').trim();

// ── registration ───────────────────────────────────────────────────────

onSubmit($('#form-register'), async (form) => {
  const body = { surname: value(form, 'surname'), givenName: value(form, 'givenName') };
  const phone = value(form, 'phone');
  const email = value(form, 'email');
  if (phone) body.phone = phone;
  if (email) body.email = email;
  if (form.elements.terms.checked) body.termsVersion = TERMS_VERSION;
  const reg = await call('POST', '/v1/registrations', { body, key: keyFor('register', body) });
  keys.delete('register');
  state.reg = { ...reg, phone, email };
  state.login = phone || email;
  renderConfirm();
  show('confirm');
});

function renderConfirm() {
  const reg = state.reg;
  if (!reg) return;
  const phone = reg.contacts.find((c) => c.kind === 'phone');
  $('#confirm-where').textContent = phone
    ? t('confirm.wherePhone', { phone: reg.phone })
    : t('confirm.whereEmail', { email: reg.email });
  $('#form-confirm').hidden = !phone;
  if (phone) $('#confirm-resend-note').textContent = t('confirm.resendAt', { time: clock(phone.resendAfter) });
}

onSubmit($('#form-confirm'), async (form) => {
  const reg = await call('POST', `/v1/registrations/${encodeURIComponent(state.reg.registrationId)}/confirm`, { body: { code: value(form, 'code') } });
  state.reg = { ...state.reg, ...reg };
  show('password');
});

$('#confirm-resend').addEventListener('click', async () => {
  const form = $('#form-confirm');
  clearErrors(form);
  try {
    const reg = await call('POST', `/v1/registrations/${encodeURIComponent(state.reg.registrationId)}/resend`, { body: { contact: 'phone' } });
    state.reg = { ...state.reg, ...reg };
    renderConfirm();
    announce(t('confirm.resent'));
  } catch (err) {
    showError(form, err);
  }
});

/** The e-mail link: /confirm-email#registration=…&token=… */
async function confirmEmailLink() {
  const params = new URLSearchParams(location.hash.slice(1));
  const id = params.get('registration');
  const token = params.get('token');
  history.replaceState(null, '', '/');
  if (!id || !token) return false;
  show('confirm');
  $('#confirm-where').textContent = '';
  $('#form-confirm').hidden = false;
  try {
    const reg = await call('POST', `/v1/registrations/${encodeURIComponent(id)}/confirm`, { body: { token } });
    state.reg = { ...reg, phone: '', email: '' };
    announce(t('confirm.emailDone'));
    show('password');
  } catch (err) {
    showError($('#form-confirm'), err);
  }
  return true;
}

onSubmit($('#form-password'), async (form) => {
  const password = form.elements.password.value;
  if (password !== form.elements.repeat.value) {
    throw new Problem(400, { errors: [{ pointer: '/repeat', reason: 'mismatch' }] });
  }
  const body = { password };
  await call('POST', `/v1/registrations/${encodeURIComponent(state.reg.registrationId)}/password`, { body, key: keyFor('password', body) });
  keys.delete('password');
  form.reset();
  $('#signin-login').value = state.login;
  announce(t('password.done'));
  show('signin');
});

// ── sign-in and the account ────────────────────────────────────────────

onSubmit($('#form-signin'), async (form) => {
  const tokens = await call('POST', '/v1/sessions', { body: { login: value(form, 'login'), password: form.elements.password.value } });
  setTokens(tokens);
  form.elements.password.value = '';
  await loadAccount();
  show('account');
  announce(t('signin.done'));
});

async function signOut(reason) {
  stopPolling();
  if (!reason) {
    try { await call('DELETE', '/v1/sessions/current', { auth: true }); } catch { /* ending it anyway */ }
  }
  clearTokens();
  Object.assign(state, { me: null, profile: {}, check: null, letter: null, events: [], step: 1 });
  $('#form-profile').reset();
  show('signin');
  if (reason instanceof Problem) showError($('#form-signin'), reason);
  else announce(t('account.signedOut'));
}
$('#signout').addEventListener('click', () => signOut());

async function loadAccount() {
  const [me, draft, events] = await Promise.all([
    call('GET', '/v1/me', { auth: true }),
    call('GET', '/v1/me/profile', { auth: true }),
    call('GET', '/v1/me/events?limit=20', { auth: true }),
  ]);
  state.me = me;
  state.profile = draft.profile;
  state.missing = draft.missing;
  state.events = events.events;
  fillProfile(draft.profile);
  state.step = 1;
  renderAccount();
  const checkId = localStorage.getItem(`portalid.check.${me.accountId}`);
  if (checkId && !state.check) {
    try {
      state.check = await call('GET', `/v1/me/identity-checks/${encodeURIComponent(checkId)}`, { auth: true });
      renderCheck();
      if (state.check.state === 'running') poll();
    } catch { localStorage.removeItem(`portalid.check.${me.accountId}`); }
  }
}

async function reloadMe() {
  const [me, events] = await Promise.all([
    call('GET', '/v1/me', { auth: true }),
    call('GET', '/v1/me/events?limit=20', { auth: true }),
  ]);
  state.me = me;
  state.events = events.events;
  renderAccount();
}

function renderAccount() {
  const me = state.me;
  if (!me) return;
  $('#me-name').textContent = `${me.surname} ${me.givenName}`;
  const level = $('#me-level');
  level.textContent = t(`level.${me.level}`);
  level.className = `badge level-${me.level}`;
  $('#me-method').textContent = t(me.confirmationMethod ? `method.${me.confirmationMethod}` : 'method.none');
  $('#me-contacts').textContent = me.contacts.map((c) => `${c.address} (${t(`contact.${c.kind}`)})`).join(', ');
  renderStep();
  renderMissing();
  renderCheck();
  renderLetter();
  renderEvents();
}

// ── personal data, step by step ────────────────────────────────────────

function fillProfile(p) {
  const f = $('#form-profile').elements;
  f.patronymic.value = p.patronymic || '';
  f.noPatronymic.checked = !!p.noPatronymic;
  for (const r of $$('input[name=gender]')) r.checked = r.value === p.gender;
  f.birthDate.value = p.birthDate || '';
  f.birthPlace.value = p.birthPlace || '';
  f.citizenship.value = p.citizenship || '';
  const pp = p.passport || {};
  f.series.value = pp.series || '';
  f.number.value = pp.number || '';
  f.issuer.value = pp.issuer || '';
  f.issueDate.value = pp.issueDate || '';
  f.subdivisionCode.value = pp.subdivisionCode || '';
  f.snils.value = p.snils || '';
  f.postcode.value = p.registrationAddress?.postcode || '';
  f.address.value = p.registrationAddress?.text || '';
}

/** The merge patch of one step: filled fields, and null for ones emptied. */
function stepPatch(step) {
  const f = $('#form-profile').elements;
  const saved = state.profile;
  const patch = {};
  const put = (name, v) => {
    if (v !== '' && v !== false && v !== undefined) patch[name] = v;
    else if (saved[name] !== undefined) patch[name] = null;
  };
  if (step === 1) {
    put('patronymic', f.patronymic.value.trim());
    put('noPatronymic', f.noPatronymic.checked);
    put('gender', $$('input[name=gender]').find((r) => r.checked)?.value || '');
    put('birthDate', f.birthDate.value);
    put('birthPlace', f.birthPlace.value.trim());
    put('citizenship', f.citizenship.value);
  } else if (step === 2) {
    const pp = {
      series: f.series.value.trim(), number: f.number.value.trim(), issuer: f.issuer.value.trim(),
      issueDate: f.issueDate.value, subdivisionCode: f.subdivisionCode.value.trim(),
    };
    put('passport', Object.values(pp).some((v) => v) ? pp : '');
  } else {
    put('snils', f.snils.value.trim());
    const addr = { postcode: f.postcode.value.trim(), text: f.address.value.trim() };
    put('registrationAddress', addr.postcode || addr.text ? addr : '');
  }
  return patch;
}

onSubmit($('#form-profile'), async () => {
  const patch = stepPatch(state.step);
  if (Object.keys(patch).length) {
    const draft = await call('PATCH', '/v1/me/profile', { body: patch, auth: true, contentType: 'application/merge-patch+json' });
    state.profile = draft.profile;
    state.missing = draft.missing;
    state.editedSinceCheck = true;
    shownCheck = '';
    renderCheck();
  }
  announce(t('profile.saved'));
  renderMissing();
  if (state.step < 3) {
    state.step += 1;
    renderStep();
    $(`#form-profile fieldset[data-step="${state.step}"] input`).focus();
  } else {
    renderLetter();
    if (!state.missing.length) $('#check-consent').focus();
  }
});

$('#profile-back').addEventListener('click', () => {
  if (state.step > 1) state.step -= 1;
  renderStep();
  $(`#form-profile fieldset[data-step="${state.step}"] input`).focus();
});

function renderStep() {
  for (const fs of $$('#form-profile > fieldset')) fs.hidden = Number(fs.dataset.step) !== state.step;
  $('#profile-back').hidden = state.step === 1;
  $('#profile-step').textContent = t('profile.step', { n: state.step });
}

const missingLabels = {
  '/patronymic': 'field.patronymic', '/gender': 'field.gender', '/birthDate': 'field.birthDate',
  '/birthPlace': 'field.birthPlace', '/citizenship': 'field.citizenship', '/passport': 'profile.step2',
  '/snils': 'field.snils', '/passport/issueDate': 'field.issueDate',
};

function renderMissing() {
  const m = state.missing || [];
  $('#profile-missing').textContent = m.length
    ? t('profile.missing', { fields: m.map((p) => (missingLabels[p] ? t(missingLabels[p]) : p)).join(', ') })
    : t('profile.complete');
}

// ── the registry check ─────────────────────────────────────────────────

onSubmit($('#form-check'), async (form) => {
  state.check = await call('POST', '/v1/me/identity-checks', { body: { consent: form.elements.consent.checked }, auth: true });
  localStorage.setItem(`portalid.check.${state.me.accountId}`, state.check.checkId);
  state.editedSinceCheck = false;
  form.elements.consent.checked = false;
  renderCheck();
  $('#check-state').focus();
  poll();
});

let timer = 0;
function stopPolling() { clearTimeout(timer); timer = 0; }

function poll() {
  stopPolling();
  timer = setTimeout(async () => {
    if (!state.check || !signedIn()) return;
    try {
      state.check = await call('GET', `/v1/me/identity-checks/${encodeURIComponent(state.check.checkId)}`, { auth: true });
    } catch (err) {
      if (err instanceof Problem && err.status === 401) return signOut(err);
    }
    renderCheck();
    if (state.check.state === 'running') return poll();
    await reloadMe();
    announce(t(`check.state.${state.check.state}`));
  }, POLL_MS);
}

const icons = { pending: 'i-spin', passed: 'i-tick', failed: 'i-cross', unavailable: 'i-clock' };
let shownCheck = '';

function renderCheck() {
  const c = state.check;
  // A passed check needs no new submission until the data changes.
  $('#form-check').hidden = !!c && (c.state === 'running' || (c.state === 'passed' && !state.editedSinceCheck));
  $('#check-progress').hidden = !c;
  if (!c) return;
  const key = JSON.stringify([language(), c.state, c.snils, c.passport]);
  if (key === shownCheck) return; // unchanged: nothing to announce again
  shownCheck = key;
  const st = $('#check-state');
  st.tabIndex = -1;
  st.textContent = t(`check.state.${c.state}`);
  st.className = `check-state state-${c.state}`;
  const list = $('#check-items');
  list.replaceChildren(...['snils', 'passport'].map((name) => {
    const it = c[name];
    const li = document.createElement('li');
    li.className = `item item-${it.status}`;
    li.dataset.item = name;
    li.dataset.status = it.status;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', `icon${it.status === 'pending' ? ' spin' : ''}`);
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    const use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
    use.setAttribute('href', `#${icons[it.status] || 'i-clock'}`);
    svg.append(use);
    const label = document.createElement('span');
    label.textContent = `${t(`check.${name}`)}: ${t(`item.${it.status}`)}`;
    li.append(svg, label);
    if (it.status === 'failed' && it.reason) {
      const why = document.createElement('span');
      why.className = 'reason';
      why.textContent = has(`reason.${it.reason}`) ? t(`reason.${it.reason}`) : it.reason;
      li.append(why);
    }
    return li;
  }));
}

// ── identity confirmation by letter ────────────────────────────────────
// POST /v1/me/letters takes {source: "registration"} (the profile's
// registration address) or {address: {postcode, text}} (another one),
// and answers the letter: {letterId, status, orderedAt, trackingNumber?,
// trackingUrl?, expiresAt?, attemptsLeft, …}, never its code or address.
// The card follows it with GET /v1/me/letters/{id} while it is on its way,
// and POST /v1/me/letters/{id}/code takes the code printed in it.

/** Statuses in which the letter may still change by itself. */
const LETTER_MOVING = ['ordered', 'sent', 'in-transit'];
/** Statuses in which its code may be entered. */
const LETTER_OPEN = ['sent', 'in-transit', 'delivered'];
/** The person picked where the letter goes (else: the registration address). */
let letterSourceChosen = false;

function renderLetter() {
  const me = state.me;
  if (!me) return;
  const order = $('#form-letter');
  const code = $('#form-letter-code');
  const note = $('#letter-note');
  const f = order.elements;
  const reg = state.profile.registrationAddress;
  const regRadio = $('#letter-source-registration');
  regRadio.disabled = !reg;
  $('#letter-registration-address').textContent = reg ? `${reg.postcode}, ${reg.text}` : t('letter.noRegistration');
  // The registration address is the default until the person chooses.
  if (!letterSourceChosen || !reg) f.source.value = reg ? 'registration' : 'other';
  $('#letter-other').hidden = f.source.value !== 'other';
  if (me.level === 'confirmed') {
    order.hidden = true;
    code.hidden = true;
    note.textContent = t(me.confirmationMethod === 'letter' && state.letter ? 'letter.done' : 'letter.confirmedAlready');
    renderLetterStatus();
    return;
  }
  const l = state.letter;
  // A new letter may be ordered when there is none, or the last one can
  // no longer bring a code (the server says when: letter-reorder-too-soon).
  order.hidden = me.level !== 'standard' || (!!l && (LETTER_MOVING.includes(l.status) || LETTER_OPEN.includes(l.status)));
  code.hidden = !l || !LETTER_OPEN.includes(l.status);
  note.textContent = t(me.level === 'standard' ? 'letter.ready' : 'letter.needStandard');
  renderLetterStatus();
}

function renderLetterStatus() {
  const l = state.letter;
  $('#letter-view').hidden = !l;
  if (!l) return;
  const status = has(`letter.status.${l.status}`) ? t(`letter.status.${l.status}`) : l.status;
  $('#letter-status').textContent = t('letter.statusLine', { status });
  const tracking = $('#letter-tracking');
  tracking.hidden = !l.trackingNumber;
  if (l.trackingNumber) {
    const a = $('#letter-tracking-link');
    a.textContent = t('letter.tracking', { tracking: l.trackingNumber });
    if (l.trackingUrl) a.href = l.trackingUrl;
    else a.removeAttribute('href');
  }
  const parts = [];
  if (l.expiresAt && LETTER_OPEN.includes(l.status)) parts.push(t('letter.expires', { date: when(l.expiresAt) }));
  if (LETTER_OPEN.includes(l.status)) parts.push(t('letter.attempts', { n: l.attemptsLeft }));
  $('#letter-expiry').textContent = parts.join(' ');
}

for (const radio of $$('#form-letter input[name=source]')) {
  radio.addEventListener('change', () => {
    letterSourceChosen = true;
    $('#letter-other').hidden = radio.value !== 'other' || !radio.checked;
  });
}

onSubmit($('#form-letter'), async (form) => {
  const body = value(form, 'source') === 'registration'
    ? { source: 'registration' }
    : { address: { postcode: value(form, 'postcode'), text: value(form, 'address') } };
  state.letter = await call('POST', '/v1/me/letters', { body, auth: true, key: keyFor('letter', body) });
  keys.delete('letter');
  renderLetter();
  announce(t('letter.ordered'));
  $('#letter-status').focus();
  pollLetter();
});

const letterId = () => state.letter?.letterId;

let letterPoll = 0;
function pollLetter() {
  clearTimeout(letterPoll);
  letterPoll = setTimeout(async () => {
    if (!state.letter || !signedIn() || state.me?.level === 'confirmed') return;
    try {
      state.letter = await call('GET', `/v1/me/letters/${encodeURIComponent(letterId())}`, { auth: true });
      renderLetter();
    } catch { /* the next poll tries again */ }
    // Until it is delivered (or ends): the code may be entered meanwhile.
    if (LETTER_MOVING.includes(state.letter?.status)) pollLetter();
  }, 2000);
}

onSubmit($('#form-letter-code'), async (form) => {
  const done = await call('POST', `/v1/me/letters/${encodeURIComponent(letterId())}/code`, { body: { code: value(form, 'code') }, auth: true });
  state.letter = { ...state.letter, status: done.status, attemptsLeft: 0 };
  form.reset();
  await reloadMe();
  announce(t('letter.done'));
  $('#letter-note').focus();
});

// ── security events ────────────────────────────────────────────────────

function renderEvents() {
  $('#events tbody').replaceChildren(...state.events.map((e) => {
    const tr = document.createElement('tr');
    let what = has(`event.${e.kind}`) ? t(`event.${e.kind}`) : e.kind;
    if (e.kind === 'level-changed' && e.details?.from && e.details?.to) {
      what += `: ${t(`level.${e.details.from}`)} → ${t(`level.${e.details.to}`)}`;
    }
    for (const text of [when(e.at), what, e.ip || '']) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  }));
}

$('#events-refresh').addEventListener('click', async () => {
  try {
    state.events = (await call('GET', '/v1/me/events?limit=20', { auth: true })).events;
    renderEvents();
  } catch (err) {
    if (err instanceof Problem && err.status === 401) signOut(err);
  }
});

// ── the development outbox (make run only) ─────────────────────────────

async function pollOutbox() {
  try {
    const res = await fetch('/local/outbox', { cache: 'no-store' });
    if (!res.ok) return; // not the local stack: no panel
    state.outbox = (await res.json()).messages;
    $('#dev').hidden = false;
    renderOutbox();
  } catch { /* the stack stopped; try again later */ }
  setTimeout(pollOutbox, 1500);
}

let shownOutbox = '';
function renderOutbox() {
  const key = JSON.stringify([language(), state.outbox]);
  if (key === shownOutbox) return;
  shownOutbox = key;
  const list = $('#dev-outbox');
  if (!state.outbox.length) {
    const li = document.createElement('li');
    li.textContent = t('dev.empty');
    list.replaceChildren(li);
    return;
  }
  list.replaceChildren(...state.outbox.map((m) => {
    const li = document.createElement('li');
    li.dataset.channel = m.channel;
    li.dataset.to = m.to;
    const head = document.createElement('p');
    head.className = 'meta';
    head.textContent = `${m.channel.toUpperCase()} → ${m.to} · ${clock(m.at)}`;
    const text = document.createElement('p');
    text.className = 'message';
    text.textContent = m.subject ? `${m.subject}\n${m.message}` : m.message;
    li.append(head, text);
    return li;
  }));
}

// ── language ───────────────────────────────────────────────────────────

function applyLanguage(l) {
  setLanguage(l);
  localStorage.setItem('portalid.lang', language());
  translate(document);
  for (const b of $$('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === language()));
  document.title = `${$(`#view-${state.view} h1`).textContent} — portalid`;
  shownCheck = '';
  shownOutbox = '';
  $('#status').textContent = ''; // said in the other language
  renderConfirm();
  renderAccount();
  renderOutbox();
}

for (const b of $$('[data-lang]')) b.addEventListener('click', () => applyLanguage(b.dataset.lang));
for (const b of $$('[data-go]')) b.addEventListener('click', () => show(b.dataset.go));

// ── start ──────────────────────────────────────────────────────────────

const saved = localStorage.getItem('portalid.lang');
applyLanguage(saved || (navigator.language?.startsWith('en') ? 'en' : 'ru'));
if (!(location.pathname === '/confirm-email' && (await confirmEmailLink()))) {
  for (const v of $$('.view')) v.hidden = v.id !== 'view-register';
}
pollOutbox();
