// The operator's job in a real browser: log in to Hawtio, open the MailQueue MBean, see why a mail was
// dead-lettered, press retry. Run by ConsoleBrowserIT (which sets up the gateway and the dead letter), or by
// hand against any running gateway:
//   CONSOLE_URL=http://127.0.0.1:8080/actuator/hawtio/ CONSOLE_PASSWORD=... EXPECT_REASON=550 node console.mjs
// Uses Debian's Chromium (CHROMIUM, default /usr/bin/chromium); playwright-core never downloads a browser.
// Prints one JSON line {"retried": "<queue id>", "reason": "..."} and exits 0, or exits 1 with the error
// (and failure.png in SCREENSHOT_DIR).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const base = required('CONSOLE_URL').replace(/\/?$/, '/');
const user = process.env.CONSOLE_USER || 'admin';
const password = required('CONSOLE_PASSWORD');
const expectReason = required('EXPECT_REASON');
const shots = process.env.SCREENSHOT_DIR || 'screenshots';
mkdirSync(shots, { recursive: true });

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.setDefaultTimeout(30_000);
try {
  // 1. the console asks for a login
  await page.goto(base);
  await page.waitForURL(/\/login$/);
  await page.fill('#pf-login-username-id', user);
  await page.fill('#pf-login-password-id', password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(url => !url.pathname.endsWith('/login'));

  // 2. JMX tree: mailgateway > MailQueue > Operations
  // (the console navigates by itself after the login; follow its menu rather than racing it with a goto)
  await page.getByRole('link', { name: 'JMX', exact: true }).click();
  await page.getByRole('treeitem', { name: 'mailgateway' }).getByRole('button').first().click();
  await page.getByText('MailQueue', { exact: true }).click();
  await page.getByText('Operations', { exact: true }).click();

  // 3. listDead shows the dead letter and the next hop's reason
  const listDead = operation('listDead()');
  await listDead.getByRole('button', { name: 'Details' }).click();
  await listDead.getByRole('button', { name: 'Execute' }).click();
  await listDead.getByText(expectReason, { exact: false }).first().waitFor();
  const result = JSON.parse(await listDead.locator('pre, code.pf-v6-c-code-block__code, textarea').last().innerText()
    .catch(() => listDead.innerText().then(text => text.slice(text.indexOf('['), text.lastIndexOf(']') + 1))));
  const dead = result.find(mail => String(mail.lastError).includes(expectReason));
  if (!dead) {
    throw new Error(`no dead letter with "${expectReason}" in ${JSON.stringify(result)}`);
  }
  await listDead.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'console-dead-letters.png') });

  // 4. retry(queueId) with that id
  const retry = operation('retry(String)');
  await retry.getByRole('button', { name: 'Details' }).click();
  await retry.locator('input').first().fill(dead.id);
  await retry.getByRole('button', { name: 'Execute' }).click();
  await retry.getByText(`retrying ${dead.id}`).first().waitFor();
  await retry.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'console-retry.png') });

  console.log(JSON.stringify({ retried: dead.id, reason: dead.lastError }));
} catch (error) {
  await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true }).catch(() => {});
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser.close();
}

function operation(signature) {
  return page.locator('li.pf-v6-c-data-list__item', { has: page.locator('b', { hasText: signature }) });
}
