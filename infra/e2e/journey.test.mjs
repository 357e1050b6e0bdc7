// The whole journey of a person in the web client, in Debian's Chromium
// driven by playwright-core, against make run's stack: register (by
// keyboard), read the SMS code in the development panel, set a password,
// sign in, save the personal data step by step, submit it and watch the
// per-item progress until the account is standard, order a letter to the
// registration address, follow it and enter the code the postal simulator
// printed (read in the development panel) until the account is confirmed
// by letter, see the level, the method and the security events;
// then a second person whose SNILS the registry rejects. Every screen is
// checked for accessibility and saved to .local/e2e/NN-name.png.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';

import { accessibilityProblems } from './a11y.mjs';
import { out, startStack } from './stack.mjs';

mkdirSync(out, { recursive: true });

let stack;
let browser;
const external = []; // requests that left the origin (must stay empty)
const pageErrors = [];
const shots = [];

before(async () => {
  stack = await startStack();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/lib/chromium/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-domain-reliability',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      '--metrics-recording-only',
    ],
  });
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  if (shots.length) console.log(`screenshots:\n${shots.map((s) => `  ${s}`).join('\n')}`);
});

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ru-RU' });
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin === stack.url) return route.continue();
    external.push(u.href);
    return route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    // Answers such as 400 and 404 are part of the journey; anything else
    // (a script error, a refused load, a CSP violation) is not.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource: the server responded with a status of')) {
      pageErrors.push(msg.text());
    }
  });
  return page;
}

async function shot(page, name) {
  const path = join(out, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  shots.push(path.slice(path.indexOf('.local/')));
}

async function accessible(page, lang) {
  assert.deepEqual(await accessibilityProblems(page, lang), [], 'accessibility problems on this screen');
}

const randomPhone = () => `+79${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;

/** The newest code of a pattern in the messages the dev panel lists for a recipient. */
async function codeFromPanel(page, to, pattern) {
  const items = page.locator(`#dev-outbox li[data-to="${to}"] .message`);
  const deadline = Date.now() + 20_000;
  for (;;) {
    for (const text of await items.allTextContents()) {
      const m = text.match(pattern);
      if (m) return m[1] ?? m[0];
    }
    assert.ok(Date.now() < deadline, `no message for ${to} in the development panel`);
    await page.waitForTimeout(250);
  }
}

async function register(page, { surname, givenName, phone }) {
  await page.locator('#reg-surname').fill(surname);
  await page.locator('#reg-given').fill(givenName);
  await page.locator('#reg-phone').fill(phone);
  await page.locator('#reg-terms').check();
  await page.locator('#form-register button[type=submit]').click();
  await page.locator('#view-confirm').waitFor();
}

async function confirmAndSignIn(page, phone, password, shots = false) {
  const code = await codeFromPanel(page, phone, /\b(\d{6})\b/);
  if (shots) await shot(page, '03-code-in-dev-panel');
  await page.locator('#confirm-code').fill(code);
  await page.locator('#form-confirm button[type=submit]').click();
  await page.locator('#view-password').waitFor();
  await page.locator('#pw-new').fill(password);
  await page.locator('#pw-repeat').fill(password);
  if (shots) await shot(page, '04-password');
  await page.locator('#form-password button[type=submit]').click();
  await page.locator('#view-signin').waitFor();
  assert.equal(await page.locator('#signin-login').inputValue(), phone, 'the login is filled in');
  await page.locator('#signin-password').fill(password);
  if (shots) await shot(page, '05-sign-in');
  await page.locator('#form-signin button[type=submit]').click();
  await page.locator('#view-account').waitFor();
}

/** Fills the three steps of the personal data, saving after each. */
async function fillProfile(page, { snils, passportNumber }, shots = false) {
  const saved = async () => {
    await page.locator('#form-profile button[type=submit]').click();
    await page.locator('#status').filter({ hasText: /Saved|Сохранено/ }).waitFor();
  };
  await page.locator('#pf-no-patronymic').check();
  await page.locator('#pf-gender-f').check();
  await page.locator('#pf-birth-date').fill('1990-05-17');
  await page.locator('#pf-birth-place').fill('г. Тверь');
  await page.locator('#pf-citizenship').selectOption('RUS');
  if (shots) await shot(page, '07-personal-data-step-1');
  await saved();
  await page.locator('#pf-series').waitFor();
  await page.locator('#pf-series').fill('28 04');
  await page.locator('#pf-number').fill(passportNumber);
  await page.locator('#pf-issuer').fill('ОВД Заволжского района г. Твери');
  await page.locator('#pf-issue-date').fill('2010-06-01');
  await page.locator('#pf-subdivision').fill('692-001');
  await saved();
  await page.locator('#pf-snils').waitFor();
  await page.locator('#pf-snils').fill(snils);
  await page.locator('#pf-postcode').fill('170100');
  await page.locator('#pf-address').fill('г. Тверь, ул. Советская, д. 1, кв. 2');
  await saved();
  await page.locator('#profile-missing').filter({ hasText: /Everything|Все данные/ }).waitFor();
  if (shots) await shot(page, '08-personal-data-saved');
}

async function submitCheck(page) {
  await page.locator('#check-consent').check();
  await page.locator('#form-check button[type=submit]').click();
  await page.locator('#check-progress').waitFor();
}

// The two people go through at once: each waits on the registries while
// the other's pages work.
describe('the web client against the local stack', { concurrency: 2 }, () => {
  test('a person goes from nothing to a confirmed account (by registered letter) and sees it', async (t) => {
    const page = await newPage();
    const phone = randomPhone();
    const password = 'Lantern-Orbit-47';

    await t.test('the client opens in Russian and switches to English', async () => {
      await page.goto(stack.url);
      assert.equal(await page.locator('#register-title').textContent(), 'Регистрация');
      await accessible(page, 'ru');
      await shot(page, '01-register-ru');
      await page.getByRole('button', { name: 'English' }).click();
      assert.equal(await page.locator('#register-title').textContent(), 'Create an account');
      assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');
      await accessible(page, 'en');
    });

    await t.test('registration by keyboard, with its errors linked to the fields', async () => {
      await page.locator('#form-register button[type=submit]').focus();
      await page.keyboard.press('Enter');
      const errors = page.locator('#form-register .errors');
      await errors.waitFor();
      assert.ok(await errors.evaluate((el) => el === document.activeElement), 'the error summary takes the focus');
      assert.equal(await page.locator('#reg-surname').getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator('#reg-surname').getAttribute('aria-describedby'), /reg-surname-error/);
      await accessible(page, 'en');
      await shot(page, '02-register-errors-en');

      await page.locator('#reg-surname').focus();
      await page.keyboard.type('Иванова');
      await page.keyboard.press('Tab');
      await page.keyboard.type('Анна');
      await page.keyboard.press('Tab');
      await page.keyboard.type(phone);
      await page.keyboard.press('Tab'); // e-mail, left empty
      await page.keyboard.press('Tab');
      await page.keyboard.press('Space'); // the terms
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter'); // Register
      await page.locator('#view-confirm').waitFor();
      assert.ok(await page.locator('#confirm-title').evaluate((el) => el === document.activeElement), 'the new step takes the focus');
    });

    await t.test('the SMS code from the development panel, the password, and sign-in', async () => {
      assert.ok(await page.locator('#dev').isVisible(), 'the development panel shows the outbox');
      await accessible(page, 'en');
      await confirmAndSignIn(page, phone, password, true);
      assert.equal(await page.locator('#me-level').textContent(), 'Simplified');
      assert.equal(await page.locator('#me-method').textContent(), 'Identity not confirmed yet');
      await accessible(page, 'en');
      await shot(page, '06-account-simplified');
    });

    await t.test('personal data saved step by step, submitted, progress per item until standard', async () => {
      await fillProfile(page, { snils: '112-233-445 95', passportNumber: '123456' }, true);
      await accessible(page, 'en');
      await submitCheck(page);
      // The registries answer after REGISTRY_LATENCY: both items spin first.
      await page.locator('#check-items li[data-item="snils"][data-status="pending"] svg.spin').waitFor();
      assert.equal(await page.locator('#check-items').getAttribute('aria-live'), 'polite');
      await accessible(page, 'en');
      await shot(page, '09-check-pending');
      await page.locator('#check-state.state-passed').waitFor({ timeout: 60_000 });
      for (const item of ['snils', 'passport']) {
        await page.locator(`#check-items li[data-item="${item}"][data-status="passed"]`).waitFor();
      }
      await page.locator('#me-level', { hasText: 'Standard' }).waitFor();
      await accessible(page, 'en');
      await shot(page, '10-check-passed-standard');
    });

    await t.test('order a letter to the registration address, follow it, and enter its code', async () => {
      // The card offers the profile's registration address (source
      // "registration"); the server prints the letter to the postal
      // simulator's outbox, which the development panel lists.
      assert.ok(await page.locator('#letter-source-registration').isChecked(), 'the registration address is offered first');
      assert.match(await page.locator('#letter-registration-address').textContent(), /170100, г\. Тверь/);
      await page.locator('#form-letter button[type=submit]').click();
      await page.locator('#form-letter-code').waitFor();
      await page.locator('#letter-status', { hasText: /Letter: (ordered|handed|in transit|delivered)/ }).waitFor();
      await accessible(page, 'en');
      await shot(page, '11-letter-ordered');
      // 10 Crockford base32 characters, printed grouped (XXXXX-XXXXX).
      const code = await codeFromPanel(page, await letterRecipient(page), /\b([0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5})\b/);
      await page.locator('#letter-tracking', { hasText: 'Tracking number' }).waitFor({ timeout: 30_000 });
      await shot(page, '12-letter-in-transit');
      await page.locator('#letter-code').fill(code.toLowerCase()); // case does not matter
      await page.locator('#form-letter-code button[type=submit]').click();
      await page.locator('#me-level', { hasText: 'Confirmed' }).waitFor();
      assert.equal(await page.locator('#me-method').textContent(), 'Registered letter');
      await page.locator('#letter-note', { hasText: 'Your identity is confirmed.' }).waitFor();
      await accessible(page, 'en');
      await shot(page, '13-letter-confirmed');
    });

    await t.test('security events, and the account in Russian', async () => {
      await page.locator('#events-refresh').click();
      const events = page.locator('#events tbody');
      await events.filter({ hasText: 'Account level changed: Simplified → Standard' }).waitFor();
      await events.filter({ hasText: 'Account level changed: Standard → Confirmed' }).waitFor();
      assert.ok((await events.textContent()).includes('Letter with a code ordered'), 'the events list the letter order');
      for (const kind of ['Signed in', 'Account created']) {
        assert.ok((await events.textContent()).includes(kind), `the events list ${kind}`);
      }
      await shot(page, '14-security-events');
      await page.getByRole('button', { name: 'Русский' }).click();
      assert.equal(await page.locator('#account-title').textContent(), 'Личный кабинет');
      assert.equal(await page.locator('#me-level').textContent(), 'Подтверждённая');
      await accessible(page, 'ru');
      await shot(page, '15-account-ru');
    });
    await page.context().close();
  });

  /** Where the letter went: the newest panel entry that is neither SMS nor mail. */
  async function letterRecipient(page) {
    const entry = page.locator('#dev-outbox li:not([data-channel="sms"]):not([data-channel="mail"])').first();
    try {
      await entry.waitFor({ timeout: 30_000 });
    } catch {
      assert.fail('the letter is ordered, but no letter appeared in the development panel: make run\'s postal '
        + 'simulator should append its letters (with the code) to .local/<name>-outbox.jsonl like the SMS and mail outboxes');
    }
    return entry.getAttribute('data-to');
  }

  test('a SNILS the pension fund rejects shows as failed with its reason', async () => {
    const page = await newPage();
    const phone = randomPhone();
    await page.goto(stack.url);
    await page.getByRole('button', { name: 'English' }).click();
    await register(page, { surname: 'Petrova', givenName: 'Olga', phone });
    await confirmAndSignIn(page, phone, 'Quiet-Harbour-83');
    await fillProfile(page, { snils: '200-000-001 19', passportNumber: '654321' });
    await submitCheck(page);
    await page.locator('#check-state.state-failed').waitFor({ timeout: 60_000 });
    const snils = page.locator('#check-items li[data-item="snils"][data-status="failed"]');
    await snils.waitFor();
    assert.match(await snils.textContent(), /not confirmed/);
    assert.equal(await page.locator('#me-level').textContent(), 'Simplified');
    await accessible(page, 'en');
    await shot(page, '16-check-failed');
    await page.context().close();
  });
});

test('nothing left the origin and the pages raised no error', () => {
  assert.deepEqual(external, [], 'requests to other origins');
  assert.deepEqual(pageErrors, [], 'page errors and console errors');
});
