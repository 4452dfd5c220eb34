// The agent console end to end, in a real browser against a real server:
// a customer writes in, two agents work the ticket (one of them on a stale
// page), a supervisor reads the history, an admin disables an account and
// opens the rule, SLA and erasure pages.
// Run through scripts/e2e.sh, which starts the server and creates the staff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkAccessibility, launch, login, open, person, phone, desktop, required, screenshot, submit, text,
} from './browser.mjs';

const staff = {
  agent1: { login: 'agent1', name: '佐藤 花子', password: required('E2E_AGENT1_PASSWORD') },
  agent2: { login: 'agent2', name: '鈴木 一郎', password: required('E2E_AGENT2_PASSWORD') },
  super1: { login: 'super1', name: '高橋 美咲', password: required('E2E_SUPER1_PASSWORD') },
  admin1: { login: 'admin1', name: '田中 健', password: required('E2E_ADMIN1_PASSWORD') },
};
const INQUIRY_NUMBER = /^INQ-\d{8}-\d{4,}$/;
const STALE = '他の担当者がこのお問い合わせを更新しました';
const LOGIN_FAILED = 'ログインIDまたはパスワードが正しくありません。';
const XSS = `<script>alert(1)</script>"'`;

// Unique per run, so the search finds exactly this run's ticket. The text
// is calm on purpose: no triage rule raises its priority.
const word = `E2E${Date.now().toString(36)}`;
const inquiry = {
  subject: `ギフト包装の指定について ${word}`,
  body: '先日注文した木製トレーを、ギフト包装に変更できますでしょうか。\nのし紙も付けていただけると助かります。',
  name: '山田 太郎',
  email: `yamada.${word.toLowerCase()}@example.jp`,
};
const xssWord = `XSS${Date.now().toString(36)}`;

/** The customer's side: the public form, then the number on the thank-you page. */
async function sendContactForm(page, { subject, body, name, email }) {
  await open(page, '/contact');
  const category = page.locator('#category_id option:not([value=""])').first();
  await page.selectOption('#category_id', await category.getAttribute('value'));
  await page.fill('#subject', subject);
  await page.fill('#body', body);
  await page.fill('#customer_name', name);
  await page.fill('#customer_email', email);
  const response = await submit(page, 'form[action="/contact"]', '送信する');
  assert.equal(response.status(), 200, `the contact form answered ${response.status()}`);
  const number = await text(page, '.number');
  assert.match(number, INQUIRY_NUMBER, `the completion page shows no 受付番号 (got "${number}")`);
  return number;
}

/** The value next to a label in the detail page's facts (`dt`/`dd`). */
async function fact(page, label) {
  return page.locator('#facts dl').evaluate((dl, label) => {
    const dt = Array.from(dl.querySelectorAll('dt')).find((d) => d.textContent.trim() === label);
    return dt?.nextElementSibling?.textContent.trim() ?? `(no 「${label}」 in #facts)`;
  }, label);
}

/** The `?after=` redirect and flash every successful console action ends with. */
async function assertUpdated(page, number, action) {
  const url = new URL(page.url());
  assert.equal(url.pathname, `/console/tickets/${number}`, `${action}: did not return to the detail page`);
  assert.ok(url.searchParams.get('after'), `${action}: the redirect carries no ?after= position`);
  assert.match(await text(page, 'div.flash.flash-ok[role=status]'), /更新しました。/, `${action}: no 「更新しました。」 flash`);
}

test('the agent console, end to end', async (t) => {
  const browser = await launch();
  const problems = [];
  const s = {}; // what later steps need from earlier ones
  t.after(() => browser.close());

  await t.test('1. a customer sends the contact form and gets an inquiry number', async () => {
    const { page, context } = await person(browser, 'customer', problems);
    s.number = await sendContactForm(page, inquiry);
    s.xssNumber = await sendContactForm(page, {
      subject: `${XSS} ${xssWord}`, body: 'スクリプトが実行されないことの確認', name: '検証 用', email: `check.${xssWord.toLowerCase()}@example.jp`,
    });
    await context.close();
  });

  await t.test('login page: form, wrong password refused, accessible', async () => {
    const { page, context } = await person(browser, 'visitor', problems);
    await open(page, '/login');
    await checkAccessibility(page, 'login');
    await page.fill('#login_id', 'agent1');
    await page.fill('#password', 'not-the-password-at-all');
    const response = await submit(page, '#login-form', 'ログイン');
    assert.equal(response.status(), 401, 'a wrong password must answer 401');
    assert.match(await text(page, 'p.error[role=alert]'), new RegExp(LOGIN_FAILED));
    await context.close();
  });

  await t.test('a supervisor adds a canned reply', async () => {
    const { page, context } = await person(browser, 'super1', problems);
    await login(page, staff.super1.login, staff.super1.password);
    await open(page, '/console/canned-replies');
    await page.fill('#canned-form-new [name=title]', `破損品の交換 ${word}`);
    await page.fill('#canned-form-new [name=body]',
      '{お客様名} 様\n\nこのたびはご不便をおかけし申し訳ございません。交換品を手配いたします。');
    const response = await submit(page, '#canned-form-new', '');
    assert.equal(response.status(), 200, `adding a canned reply answered ${response.status()}`);
    const titles = await page.locator('main input[name=title]').evaluateAll((inputs) => inputs.map((i) => i.value));
    assert.ok(titles.includes(`破損品の交換 ${word}`), `the new canned reply is not listed: ${titles.join(', ')}`);
    await context.close();
  });

  await t.test('2. agent 1 finds the ticket and works it', async (t) => {
    assert.ok(s.number, 'needs the inquiry number from step 1');
    const { page, context } = await person(browser, 'agent1', problems);
    s.agent1 = { page, context };
    const loggedIn = await login(page, staff.agent1.login, staff.agent1.password);
    assert.equal(new URL(page.url()).pathname, '/console/tickets', 'login should lead to the list');
    assert.equal(loggedIn.status(), 200);
    assert.match(await text(page, 'header.topbar'), new RegExp(staff.agent1.name), 'the top bar shows no display name');

    const csp = (await page.goto('/console/tickets')).headers()['content-security-policy'] ?? '';
    assert.ok(csp.includes("frame-ancestors 'none'"), `console CSP lacks frame-ancestors 'none': "${csp}"`);
    assert.ok(csp.includes("script-src 'self'"), `console CSP lacks script-src 'self': "${csp}"`);

    await t.test('search the list', async () => {
      await page.fill('#q', word);
      await submit(page, '#filter-form', '絞り込む');
      const rows = page.locator('table#ticket-list tbody tr.ticket-row');
      assert.equal(await rows.count(), 1, `searching "${word}" should find exactly the new ticket`);
      const row = rows.first();
      assert.equal(await row.getAttribute('data-number'), s.number);
      assert.match(await row.textContent(), new RegExp(word));
      assert.equal(await row.locator('span.status.status-new').count(), 1, 'a new ticket shows status-new');
      assert.equal(await row.locator('span.priority.priority-medium').count(), 1, 'a form ticket starts at priority medium');
      await checkAccessibility(page, 'list');
    });

    await t.test('keyboard: j selects a row, ? opens the help', async () => {
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('j');
      assert.equal(await page.locator('tr.ticket-row.selected').count(), 1, 'j should select a row');
      await page.keyboard.press('?');
      assert.ok(await page.locator('dialog#shortcut-help').evaluate((d) => d.open), '? should open the help');
      await page.keyboard.press('Escape');
      await page.keyboard.press('/');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'q', '/ should focus the search box');
    });

    await screenshot(page, 'list');
    await page.setViewportSize(phone);
    await screenshot(page, 'list-phone');
    await page.setViewportSize(desktop);

    await t.test('open the ticket from the list', async () => {
      await Promise.all([page.waitForNavigation(), page.click(`a.ticket-link[href="/console/tickets/${s.number}"]`)]);
      assert.equal(new URL(page.url()).pathname, `/console/tickets/${s.number}`);
      const h1 = await text(page, 'h1');
      assert.ok(h1.includes(s.number) && h1.includes(inquiry.subject), `h1 should show number and subject, got "${h1}"`);
      const ticket = page.locator('main[data-number], main [data-number][data-version]').first();
      assert.equal(await ticket.getAttribute('data-number'), s.number, 'no data-number on the page');
      assert.match(await ticket.getAttribute('data-version') ?? '', /^\d+$/, 'no data-version on the page');
      const first = page.locator('#thread article.entry').first();
      assert.ok(await first.evaluate((el) => el.classList.contains('customer')), 'the thread starts with the customer message');
      assert.match(await first.textContent(), /木製トレーを、ギフト包装に変更/);
      const facts = await text(page, '#facts');
      assert.ok(facts.includes(inquiry.name) && facts.includes(inquiry.email), 'facts show the customer');
    });

    await t.test('assign to me', async () => {
      assert.equal(await page.locator('#assign-me-form input[type=hidden][name=csrf]').count(), 1, 'form without csrf');
      await submit(page, '#assign-me-form', '自分に割り当て');
      await assertUpdated(page, s.number, 'assign');
      assert.equal(await fact(page, '担当者'), staff.agent1.name, 'facts do not show the new assignee');
    });

    await t.test('status → 対応中', async () => {
      await page.selectOption('#status-form select[name=status]', 'in_progress');
      await submit(page, '#status-form', 'ステータスを変更');
      await assertUpdated(page, s.number, 'status');
      assert.equal(await fact(page, 'ステータス'), '対応中', 'facts do not show the new status');
    });

    await t.test('priority → 高', async () => {
      await page.selectOption('#priority-form select[name=priority]', 'high');
      await submit(page, '#priority-form', '優先度を変更');
      await assertUpdated(page, s.number, 'priority');
      assert.equal(await fact(page, '優先度'), '高', 'facts do not show the new priority');
      assert.equal(await page.locator('#priority-form select[name=priority]').inputValue(), 'high');
    });

    await t.test('add an internal note', async () => {
      s.note = `返品伝票の控えを確認済み (${word})`;
      await page.fill('#note-form textarea[name=body]', s.note);
      await submit(page, '#note-form', '社内メモを追加');
      await assertUpdated(page, s.number, 'note');
      const note = page.locator('#thread article.entry.note').last();
      assert.match(await note.textContent(), new RegExp(`返品伝票の控えを確認済み`), 'the note is not in the thread');
      assert.match(await note.textContent(), /社内メモ/, 'the note is not labelled 社内メモ');
    });

    await t.test('insert a canned reply', async () => {
      const select = '#canned-form select[name=canned]';
      const option = page.locator(`${select} option:not([value=""])`).first();
      assert.equal(await option.count(), 1, 'no canned reply to choose');
      const id = await option.getAttribute('value');
      // Without script the GET fills the box on the server…
      await open(page, `/console/tickets/${s.number}?canned=${id}`);
      const filled = await page.locator('#reply-body').inputValue();
      // …and with it, choosing and pressing the button fill it in place.
      await page.fill('#reply-body', '');
      await page.selectOption(select, id);
      await page.locator('#canned-form button', { hasText: '定型文を挿入' }).click();
      await page.waitForLoadState('load');
      s.replyText = await page.locator('#reply-body').inputValue();
      assert.equal(s.replyText, filled, 'the GET and the in-page insert fill different text');
      assert.ok(s.replyText.trim().length > 0, 'the reply textarea was not filled');
      assert.ok(!/\{(お客様名|受付番号|担当者名|件名)\}/.test(s.replyText), `placeholders were not replaced: "${s.replyText}"`);
      assert.ok(s.replyText.includes(inquiry.name), `the reply does not address ${inquiry.name}: "${s.replyText}"`);
      await screenshot(page, 'detail');
      await checkAccessibility(page, 'detail');
    });

    // Agent 2 opens the ticket now, before agent 1's last action.
    const second = await person(browser, 'agent2', problems);
    s.agent2 = second;
    await login(second.page, staff.agent2.login, staff.agent2.password);
    await open(second.page, `/console/tickets/${s.number}`);

    await t.test('presence: agent 1 sees agent 2 on the ticket', async () => {
      await page.waitForFunction(
        (name) => document.querySelector('#presence')?.textContent.includes(`${name}さんが閲覧中`),
        staff.agent2.name, { timeout: 15_000 },
      ).catch(() => assert.fail(`#presence never showed 「${staff.agent2.name}さんが閲覧中」`));
    });

    await t.test('send the reply', async () => {
      await submit(page, '#reply-form', '返信を送信');
      await assertUpdated(page, s.number, 'reply');
      const reply = page.locator('#thread article.entry.reply').last();
      assert.equal(await reply.count(), 1, 'the reply is not in the thread');
      const firstLine = s.replyText.split('\n').find((l) => l.trim() !== '').trim();
      assert.ok((await reply.textContent()).includes(firstLine), 'the reply shows other text than was sent');
      assert.match(await text(reply, 'span.delivery'), /送信待ち|送信済み/, 'the reply has no delivery state');
    });
  });

  await t.test('3. agent 2, on a stale page, is told and keeps their text', async () => {
    assert.ok(s.agent2, 'needs agent 2 from step 2');
    const { page } = s.agent2;
    // Its next report-in learns the newer version and says so.
    await page.waitForFunction(
      () => document.querySelector('#presence')?.textContent.includes('このお問い合わせは更新されています。再読み込みしてください。'),
      null, { timeout: 15_000 },
    ).catch(() => assert.fail('#presence never said the page is out of date'));
    const typed = `お客様へ電話で確認予定 (${word})`;
    await page.fill('#note-form textarea[name=body]', typed);
    const response = await submit(page, '#note-form', '社内メモを追加');
    assert.equal(response.status(), 409, 'a stale version must answer 409');
    assert.match(await text(page, 'div.flash.flash-error[role=alert]'), new RegExp(STALE));
    assert.ok(await page.locator('ul#changes li').count() > 0, 'ul#changes lists nothing');
    assert.equal(await page.locator('#note-form textarea[name=body]').inputValue(), typed, 'the typed note was lost');
  });

  await t.test('the ticket with a script in its subject shows it as text', async () => {
    assert.ok(s.agent1 && s.xssNumber, 'needs agent 1 and the second ticket');
    const { page } = s.agent1;
    await open(page, `/console/tickets?q=${encodeURIComponent(xssWord)}`);
    const row = page.locator(`tr.ticket-row[data-number="${s.xssNumber}"]`);
    assert.equal(await row.count(), 1, 'the list does not show the second ticket');
    assert.ok((await row.textContent()).includes(XSS), 'the subject is not shown literally in the list');
    await open(page, `/console/tickets/${s.xssNumber}`);
    assert.ok((await text(page, 'h1')).includes(XSS), 'the subject is not shown literally on the detail page');
    assert.equal(await page.locator('main script').count(), 0, 'a script element was injected into the page');
    assert.deepEqual(problems.filter((p) => /dialog/.test(p)), [], 'a dialog fired');
  });

  await t.test('dashboard renders, with its chart, accessibly', async () => {
    assert.ok(s.agent1, 'needs agent 1');
    const { page } = s.agent1;
    await open(page, '/console/dashboard');
    for (const id of ['counts', 'overdue', 'urgent', 'workload']) {
      assert.equal(await page.locator(`section#${id}`).count(), 1, `dashboard has no section#${id}`);
    }
    assert.equal(await page.locator('figure#received-chart svg').count(), 1, 'dashboard has no chart');
    await screenshot(page, 'dashboard');
    await checkAccessibility(page, 'dashboard');
  });

  await t.test('4. a supervisor reads every change in the history', async () => {
    assert.ok(s.number, 'needs the ticket from step 1');
    const { page, context } = await person(browser, 'super1', problems);
    await login(page, staff.super1.login, staff.super1.password);
    await open(page, `/console/tickets/${s.number}/history`);
    assert.equal(await page.locator('form#as-of-form input[name=as_of][type=datetime-local]').count(), 1, 'no as-of form');
    const rows = await page.locator('table#history tbody tr').evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.cells, (c) => c.textContent.trim())));
    const byAgent1 = rows.filter((cells) => (cells[1] ?? '').includes(staff.agent1.name));
    const all = byAgent1.map((cells) => cells.join(' | ')).join('\n');
    assert.ok(byAgent1.length >= 5, `expected ≥ 5 changes by ${staff.agent1.name} (assign, status, priority, note, reply); got:\n${all}`);
    // Columns: 日時, 操作者, 操作, 変更前, 変更後.
    for (const [what, action, after] of [
      ['assignment', /担当/, staff.agent1.name],
      ['status', /ステータス/, '対応中'],
      ['priority', /優先度/, '高'],
      ['note', /メモ/, null],
      ['reply', /返信/, null],
    ]) {
      assert.ok(byAgent1.some((cells) => action.test(cells[2]) && (after === null || cells[4] === after)),
        `no ${what} row by ${staff.agent1.name}${after ? ` ending at 「${after}」` : ''}:\n${all}`);
    }
    await screenshot(page, 'history');
    await checkAccessibility(page, 'history');
    await context.close();
  });

  await t.test('5. an admin disables agent 2, who can no longer log in', async () => {
    const { page, context } = await person(browser, 'admin1', problems);
    await login(page, staff.admin1.login, staff.admin1.password);
    await open(page, '/console/admin/employees');
    const row = 'table#employees tr[data-login="agent2"]';
    assert.equal(await page.locator(row).count(), 1, 'agent2 is not listed');
    await submit(page, `${row} form.toggle-active`, '無効にする');
    assert.equal(await page.locator(`${row} form.toggle-active button`, { hasText: '有効にする' }).count(), 1,
      'agent2 does not show as disabled');
    // The rule, SLA and erasure pages meet the same accessibility bar.
    for (const [path, name, form] of [
      ['/console/triage-rules', 'triage-rules', 'form#rule-form'],
      ['/console/admin/sla', 'sla', 'form#sla-form'],
      ['/console/admin/customers/erase', 'erase', 'form#erase-form'],
    ]) {
      await open(page, path);
      assert.equal(await page.locator(form).count(), 1, `${path} has no ${form}`);
      await screenshot(page, name);
      await checkAccessibility(page, name);
    }
    await context.close();

    const again = await person(browser, 'agent2-again', problems);
    const response = await login(again.page, staff.agent2.login, staff.agent2.password);
    assert.equal(response.status(), 401, 'a disabled account must not log in');
    assert.match(await text(again.page, 'p.error[role=alert]'), new RegExp(LOGIN_FAILED));
    await again.context.close();
  });

  await s.agent1?.context.close();
  await s.agent2?.context.close();
  assert.deepEqual(problems, [], 'no dialog, script error or CSP refusal may occur');
});
