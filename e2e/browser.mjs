// Shared helpers for the console's browser test: launching Debian's Chromium,
// signing in, submitting forms, accessibility checks and screenshots.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const baseUrl = required('E2E_BASE_URL').replace(/\/$/, '');
export const artifacts = new URL('./artifacts/', import.meta.url).pathname;
export const desktop = { width: 1280, height: 900 };
export const phone = { width: 390, height: 844 };

export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the test through scripts/e2e.sh`);
  return value;
}

export async function launch() {
  await mkdir(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * A browser context for one person. Any alert/confirm/prompt and any script
 * error or CSP refusal is recorded in `problems`; the test asserts it stays
 * empty, so an injected script or a broken console.js fails the run.
 */
export async function person(browser, name, problems) {
  const context = await browser.newContext({
    baseURL: baseUrl, viewport: desktop, locale: 'ja-JP', timezoneId: 'Asia/Tokyo',
  });
  context.setDefaultTimeout(15_000);
  context.on('page', (page) => watch(page, name, problems));
  const page = await context.newPage();
  return { context, page };
}

function watch(page, name, problems) {
  page.on('dialog', async (dialog) => {
    problems.push(`${name}: a ${dialog.type()} dialog fired on ${page.url()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (error) => problems.push(`${name}: script error on ${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(`${name}: ${message.text()}`);
    }
  });
}

/** Opens a page and insists it answered with `status` (200 unless told). */
export async function open(page, path, status = 200) {
  const response = await page.goto(path, { waitUntil: 'load' });
  assert.ok(response, `no response for ${path}`);
  assert.equal(response.status(), status, `GET ${path} answered ${response.status()}, expected ${status}`);
  return response;
}

/**
 * Clicks the submit button of `form` (by its text) and waits for the page
 * that the post leads to; returns that page's response (after redirects).
 */
export async function submit(page, form, buttonText) {
  const button = page.locator(form).locator('button', { hasText: buttonText });
  assert.equal(await button.count(), 1, `${form} has no single button 「${buttonText}」 on ${page.url()}`);
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    button.click(),
  ]);
  assert.ok(response, `submitting ${form} led to no page`);
  return response;
}

export async function login(page, loginId, password) {
  await open(page, '/login');
  await page.fill('#login-form #login_id', loginId);
  await page.fill('#login-form #password', password);
  return submit(page, '#login-form', 'ログイン');
}

/** Text of the first element matching `selector`, or '' when there is none. */
export async function text(page, selector) {
  const el = page.locator(selector).first();
  return (await el.count()) === 0 ? '' : (await el.textContent()).trim();
}

export async function checkAccessibility(page, label) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => [
    `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`,
    ...v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')}\n        ${n.failureSummary.replace(/\n/g, '\n        ')}`),
  ].join('\n')).join('\n');
  assert.equal(bad.length, 0, `accessibility problems on the ${label} page (${page.url()}):\n${report}`);
}

export async function screenshot(page, name) {
  await page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true });
}
