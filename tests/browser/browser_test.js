/* browser_test.js: the help center as a reader sees it, in Debian's
 * Chromium driven headless by playwright-core.  It indexes articles/ into a
 * temporary folder, starts the built daleel-serve on a free 127.0.0.1 port
 * and walks the pages like a person would: search from the home page, open
 * the first result, jump to a section, vote No with a comment, read an
 * Arabic page right to left with its Latin words in place, use the site with
 * JavaScript off, and audit every kind of page with axe-core in both
 * languages.  Screenshots land in tests/browser/out/ (a CI artifact).
 *
 * A plain script rather than `node --test`: the suite shares one browser
 * and one server, and tests/run reads our last line, "N passed, N failed".
 *
 * Usage: node tests/browser/browser_test.js BUILD_DIR   (tests/browser/run)
 * SPDX-License-Identifier: GPL-2.0-or-later */
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const HERE = __dirname;
const SRC = path.resolve(HERE, '..', '..');
const BUILD = path.resolve(process.argv[2] || path.join(SRC, 'build-test'));
const OUT = path.join(HERE, 'out');
const CHROMIUM = process.env.DALEEL_CHROMIUM || '/usr/bin/chromium';
const ADMIN = 'browser-test-admin-token';
const T = {
  en: JSON.parse(fs.readFileSync(path.join(SRC, 'templates/i18n/en.json'), 'utf8')),
  ar: JSON.parse(fs.readFileSync(path.join(SRC, 'templates/i18n/ar.json'), 'utf8')),
};
const AXE_SRC = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const { chromium } = require('playwright-core');

/* ---- a tiny test runner ------------------------------------------------ */

const tests = [];
function test(name, fn) { tests.push({ name, fn }); }

class Failure extends Error {}
function check(cond, msg) { if (!cond) throw new Failure(msg); }
function eq(got, want, msg) {
  if (got !== want)
    throw new Failure(`${msg}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

/* ---- the server -------------------------------------------------------- */

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port });
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

function program(sub, name) {
  const p = path.join(BUILD, sub, name);
  if (!fs.existsSync(p)) throw new Error(`${p} is not built (ninja -C ${BUILD})`);
  return p;
}

async function startServer(tmp) {
  const index = path.join(tmp, 'index');
  const r = spawnSync(program('indexer', 'daleel-index'),
    ['--articles', path.join(SRC, 'articles'), '--index', index, '--quiet'],
    { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`daleel-index failed (${r.status}): ${r.stdout}${r.stderr}`);
  const port = await freePort();
  const logPath = path.join(tmp, 'serve.log');
  const log = fs.openSync(logPath, 'w');
  /* Limits high enough that one test address voting and searching all run
   * long is never refused: the limits have their own end-to-end tests. */
  const proc = spawn(program('server', 'daleel-serve'),
    ['--index', index, '--listen', `127.0.0.1:${port}`, '--threads', '2',
     '--feedback-db', path.join(tmp, 'feedback.db'), '--admin-token', ADMIN,
     '--base-url', `http://127.0.0.1:${port}`, '--vote-limit', '1000', '--quiet'],
    { stdio: ['ignore', log, log] });
  let exited = null;
  proc.on('exit', (code) => { exited = code; });
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    if (exited !== null)
      throw new Error(`daleel-serve exited with ${exited}:\n${fs.readFileSync(logPath, 'utf8')}`);
    if (await canConnect(port))
      return { proc, port, base: `http://127.0.0.1:${port}`, logPath };
    await new Promise((res) => setTimeout(res, 50));
  }
  proc.kill('SIGTERM');
  throw new Error('daleel-serve did not answer:\n' + fs.readFileSync(logPath, 'utf8'));
}

/* ---- helpers ----------------------------------------------------------- */

let browser, server;

/* A fresh context and page; console errors and uncaught exceptions
 * (a CSP violation shows as one) fail the test that opened the page. */
async function open(opts = {}) {
  const ctx = await browser.newContext({
    viewport: opts.viewport || { width: 1280, height: 900 },
    javaScriptEnabled: opts.js !== false,
    locale: opts.locale || 'en-US',
    extraHTTPHeaders: opts.headers,
  });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push('exception: ' + e.message));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    /* An error page's own status (404...) is logged as a failed load. */
    if (/status of \d+/.test(m.text()) && m.location().url === page.url()) return;
    page.errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  return page;
}

async function close(page) {
  const errors = page.errors;
  await page.context().close();
  check(errors.length === 0, 'errors in the page: ' + errors.join(' | '));
}

async function go(page, url, status = 200) {
  const resp = await page.goto(server.base + url, { waitUntil: 'load' });
  eq(resp.status(), status, `status of ${url}`);
  return resp;
}

/* Submit by clicking and wait for the page it leads to. */
async function clickAndWait(page, locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
}

/* Bounding box of the first occurrence of 'text' inside element 'sel'
 * (a Range over the text node, so it is where those glyphs are drawn). */
function textBox(page, sel, text) {
  return page.evaluate(([sel, text]) => {
    const root = document.querySelector(sel);
    if (!root) return null;
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const i = n.data.indexOf(text);
      if (i < 0) continue;
      const r = document.createRange();
      r.setStart(n, i);
      r.setEnd(n, i + text.length);
      const b = r.getBoundingClientRect();
      return { left: b.left, right: b.right, top: b.top, bottom: b.bottom };
    }
    return null;
  }, [sel, text]);
}

/* A title isolated in <bdi>: its direction is 'dir', and the words in
 * 'order' (logical order) are drawn in that direction on one line, with
 * the parentheses around the last one on its two sides. */
async function checkTitle(page, bdi, dir, order) {
  eq(await bdi.evaluate((b) => getComputedStyle(b).direction), dir, `direction of <bdi>${order.join(' ')}`);
  await bdi.evaluate((b) => b.setAttribute('data-probe', '1'));
  const sel = '[data-probe="1"]';
  const boxes = [];
  for (const w of order.concat(['(', ')']))
    boxes.push(await textBox(page, sel, w));
  await bdi.evaluate((b) => b.removeAttribute('data-probe'));
  check(boxes.every(Boolean), `the words of the title are drawn: ${order.join(' ')}`);
  const [open_, close_] = boxes.slice(-2);
  const words = boxes.slice(0, -2);
  for (let i = 1; i < words.length; i++) {
    check(sameLine(words[i - 1], words[i]), `"${order[i - 1]}" and "${order[i]}" on one line`);
    const inOrder = dir === 'ltr' ? words[i - 1].right <= words[i].left + 1
                                  : words[i - 1].left >= words[i].right - 1;
    check(inOrder, `${dir}: "${order[i - 1]}" before "${order[i]}" ` +
      `(${Math.round(words[i - 1].left)} / ${Math.round(words[i].left)})`);
  }
  const last = words[words.length - 1];
  /* Logical "(" precedes the word: left of it in LTR, right of it in RTL
   * (where the glyph is mirrored). */
  const ok = dir === 'ltr'
    ? open_.right <= last.left + 1 && close_.left >= last.right - 1
    : open_.left >= last.right - 1 && close_.right <= last.left + 1;
  check(ok, `${dir}: parentheses on both sides of "${order[order.length - 1]}"`);
}

/* Same line: the vertical ranges overlap by more than half. */
function sameLine(a, b) {
  const overlap = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return overlap > 0.5 * Math.min(a.bottom - a.top, b.bottom - b.top);
}

/* A word unique to this run, without digits: the server scrubs digit runs
 * (phone and card numbers) from stored comments. */
function uniqueWord() {
  return String(Date.now()).replace(/\d/g, (d) => 'abcdefghij'[d]);
}

async function gapsJson() {
  const r = await fetch(server.base + '/gaps.json?days=30', {
    headers: { Authorization: 'Bearer ' + ADMIN },
  });
  eq(r.status, 200, 'status of /gaps.json with the admin token');
  return r.text();
}

/* Run axe-core on the page; return the serious and critical violations
 * as readable lines.  Injected through the DevTools protocol (evaluate),
 * which the page's Content-Security-Policy does not govern. */
async function axe(page) {
  await page.evaluate(AXE_SRC);
  const res = await page.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations', 'passes'],
  }));
  check(res.passes.length > 10, `axe-core ran its rules (${res.passes.length} passed)`);
  return res.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', '));
}

const EN_ARTICLE = '/a/en/returns/refund-times';
const AR_ARTICLE = '/a/ar/returns/refund-times';
const AR_2FA = '/a/ar/account/two-factor-authentication';

/* ---- the tests --------------------------------------------------------- */

test('search from the home page and open the first result', async () => {
  const page = await open();
  await go(page, '/?lang=en');
  eq(await page.getAttribute('html', 'lang'), 'en', 'home <html lang>');
  await page.fill('#q-main', 'refund');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.press('#q-main', 'Enter')]);
  const u = new URL(page.url());
  eq(u.pathname, '/search', 'the search form leads to');
  eq(u.searchParams.get('q'), 'refund', 'q of the results page');
  const titles = await page.locator('ol.results li.result .result-title a').allInnerTexts();
  check(titles.length >= 2, `at least two results for "refund", got ${titles.length}`);
  check(/refund/i.test(titles[0]), `the first result is about refunds: ${titles[0]}`);
  check((await page.innerText('h1')).startsWith(T.en.results_for), 'results heading');
  /* Highlights: the snippet marks the query word. */
  const marks = await page.locator('ol.results li.result .snippet mark').allInnerTexts();
  check(marks.some((m) => /refund/i.test(m)), `a <mark> around "refund": ${marks.join(',')}`);

  await clickAndWait(page, page.locator('ol.results li.result .result-title a').first());
  const a = new URL(page.url());
  check(a.pathname.startsWith('/a/en/'), `the first result opens an article: ${a.pathname}`);
  eq(a.search, '', 'the shared article URL carries no click-logging parameters');
  eq((await page.innerText('#article-title')).trim(), titles[0].trim(),
    'the article is the result that was clicked');
  await close(page);
});

test('type-ahead suggestions: a listbox, arrow keys and Enter open an article', async () => {
  for (const [lang, typed] of [['en', 'refu'], ['ar', 'استرد']]) {
    const page = await open({ locale: lang });
    await go(page, `/?lang=${lang}`);
    await page.locator('#q-main').pressSequentially(typed, { delay: 40 });
    const options = page.locator('.suggest-list[role=listbox] li[role=option]');
    await options.first().waitFor();
    eq(await page.getAttribute('#q-main', 'aria-expanded'), 'true', `${lang}: the combobox says it is open`);
    const first = (await options.first().innerText()).trim();
    await page.keyboard.press('ArrowDown');
    eq(await page.getAttribute('#q-main', 'aria-activedescendant'),
      await options.first().getAttribute('id'), `${lang}: ArrowDown selects the first suggestion`);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    check(new URL(page.url()).pathname.startsWith(`/a/${lang}/`), `${lang}: Enter opens the suggestion: ${page.url()}`);
    eq((await page.innerText('#article-title')).trim(), first, `${lang}: the article is the suggestion chosen`);
    await close(page);
  }
});

test('jump to a section from the table of contents and by its URL', async () => {
  const page = await open({ viewport: { width: 1280, height: 700 } });
  await go(page, EN_ARTICLE);
  const links = page.locator('nav.toc a');
  check(await links.count() >= 2, 'the article has a table of contents');
  const last = links.last();
  const href = await last.getAttribute('href');
  check(href.startsWith('#'), `toc links are in-page anchors: ${href}`);
  const id = decodeURIComponent(href.slice(1));
  await last.click();
  await page.waitForFunction((h) => location.hash === h, href);
  const top = await page.evaluate((id) => document.getElementById(id).getBoundingClientRect().top, id);
  check(top >= -1 && top < 120, `the section heading is scrolled to the top, top=${top}`);
  /* app.js adds "#" and "copy link to this section" to every heading. */
  const tools = page.locator(`[id="${id}"] .heading-tools`);
  eq(await tools.count(), 1, 'heading tools on the target heading');
  eq(await tools.locator('a.heading-anchor').getAttribute('href'), href, 'its # link');
  const copyUrl = await tools.locator('button.copy').getAttribute('data-url');
  eq(copyUrl, `${server.base}${EN_ARTICLE}#${encodeURIComponent(id)}`, 'the section link it copies');

  /* A link pasted by an agent lands on the section. */
  const page2 = await open({ viewport: { width: 1280, height: 700 } });
  await go(page2, EN_ARTICLE + href);
  const top2 = await page2.evaluate((id) => document.getElementById(id).getBoundingClientRect().top, id);
  check(top2 >= -1 && top2 < 120, `opening ${href} shows that section, top=${top2}`);
  await close(page2);
  await close(page);
});

test('vote No with a comment and see the thank-you (JavaScript on)', async () => {
  const page = await open();
  await go(page, EN_ARTICLE);
  await page.click('details.fb-no summary');
  await page.check('#fb-r-not-answered');
  const comment = 'browser test: the refund to a gift card is missing ' + uniqueWord();
  await page.fill('#fb-comment', comment);
  const posted = page.waitForResponse((r) => r.url().endsWith('/feedback') && r.request().method() === 'POST');
  await page.click('.fb-no-body button[type=submit]');
  const resp = await posted;
  check(resp.status() >= 200 && resp.status() < 300, `vote answered ${resp.status()}`);
  const section = page.locator('section.feedback');
  await section.getByText(T.en.thanks_no_short).waitFor();
  eq(await page.locator('form.fb-form').count(), 0, 'the form is replaced by the thank-you');
  eq(new URL(page.url()).pathname, EN_ARTICLE, 'the reader stays on the article');
  const report = await gapsJson();
  check(report.includes(comment), 'the comment is in the gap report: ' + report.slice(0, 600));
  await close(page);
});

test('Arabic pages are right-to-left', async () => {
  const page = await open({ locale: 'ar' });
  for (const url of ['/?lang=ar', '/search?q=' + encodeURIComponent('استرداد') + '&lang=ar', AR_ARTICLE]) {
    await go(page, url);
    eq(await page.getAttribute('html', 'dir'), 'rtl', `${url}: <html dir>`);
    eq(await page.getAttribute('html', 'lang'), 'ar', `${url}: <html lang>`);
    const dir = await page.evaluate(() => [getComputedStyle(document.body).direction,
      getComputedStyle(document.querySelector('main')).direction]);
    eq(dir.join(), 'rtl,rtl', `${url}: computed direction of body and main`);
  }
  /* The brand sits at the right edge of the header, as Arabic readers
   * expect the start of a line. */
  const brand = await page.locator('.brand').boundingBox();
  const width = page.viewportSize().width;
  check(brand.x + brand.width > width / 2, `the site name starts at the right: x=${brand.x}`);
  /* The article body's paragraphs start at the right edge. */
  const p = await page.evaluate(() => {
    const el = document.querySelector('.article-body p');
    const s = getComputedStyle(el);
    return { dir: s.direction, align: s.textAlign };
  });
  eq(p.dir, 'rtl', 'article paragraph direction');
  check(p.align === 'start' || p.align === 'right', `article paragraph alignment: ${p.align}`);
  /* The English translation link is marked up as English. */
  const tr = page.locator('p.translations a[lang="en"]');
  eq(await tr.count(), 1, 'a link to the English version');
  await close(page);
});

test('a Latin word inside an Arabic title stays in place', async () => {
  const page = await open({ locale: 'ar' });
  /* Article heading: تفعيل التحقق بخطوتين (2FA).  Read right to left,
   * the Arabic words come first (rightmost) and "(2FA)" ends the line on
   * the left, its parentheses mirrored around it. */
  await go(page, AR_2FA);
  const first = await textBox(page, '#article-title', 'تفعيل');
  const second = await textBox(page, '#article-title', 'بخطوتين');
  const latin = await textBox(page, '#article-title', '2FA');
  const open_ = await textBox(page, '#article-title', '(');
  const close_ = await textBox(page, '#article-title', ')');
  check(first && second && latin && open_ && close_, 'the parts of the title are drawn');
  check(sameLine(first, latin), 'the title fits on one line at 1280 px');
  check(first.left > second.left && second.left > latin.right - 1,
    `order right to left: تفعيل ${first.left} > بخطوتين ${second.left} > 2FA ${latin.left}`);
  check(open_.left >= latin.right - 1 && close_.right <= latin.left + 1,
    `parentheses around 2FA: "(" at ${open_.left}, 2FA ${latin.left}-${latin.right}, ")" at ${close_.right}`);

  /* On the Arabic results page the query and each title are isolated in
   * <bdi>: a Latin query reads left to right inside the Arabic heading and
   * sits where the sentence ends (on the left), and its words keep their
   * order. */
  await go(page, '/search?q=' + encodeURIComponent('Google Authenticator') + '&lang=ar');
  eq(await page.locator('h1.results-title bdi').innerText(), 'Google Authenticator', 'the query in <bdi>');
  const label = await textBox(page, 'h1.results-title', T.ar.results_for.split(' ')[0]);
  const g = await textBox(page, 'h1.results-title bdi', 'Google');
  const au = await textBox(page, 'h1.results-title bdi', 'Authenticator');
  check(label && g && au && sameLine(label, g), 'the heading is drawn on one line');
  check(g.right <= au.left + 1, `inside the <bdi>, Google (${g.left}) comes before Authenticator (${au.left})`);
  check(au.right <= label.left + 1, `the Latin query sits left of the Arabic label (${au.right} <= ${label.left})`);
  /* Most results for a Latin query are English articles: each title is
   * isolated in <bdi> and reads left to right inside the Arabic page, its
   * "(2FA)" closing on the right instead of jumping to the line's start. */
  const en = page.locator('ol.results li.result[lang="en"] .result-title a bdi', { hasText: '(2FA)' });
  check(await en.count() >= 1, 'an English 2FA article among the results');
  await checkTitle(page, en.first(), 'ltr', ['Turn', 'two-factor', '2FA']);

  /* And an Arabic title with a Latin word, on the results page. */
  await go(page, '/search?q=' + encodeURIComponent('التحقق بخطوتين') + '&lang=ar');
  const ar = page.locator('ol.results li.result[lang="ar"] .result-title a bdi', { hasText: '2FA' });
  check(await ar.count() >= 1, 'the Arabic 2FA article among the results');
  await checkTitle(page, ar.first(), 'rtl', ['تفعيل', 'بخطوتين', '2FA']);
  await close(page);
});

test('screenshots: an Arabic article and an English search page', async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const shots = [
    { url: AR_2FA, file: 'article-ar.png', locale: 'ar' },
    { url: '/search?q=refund&lang=en', file: 'search-en.png', locale: 'en-US' },
    { url: AR_ARTICLE, file: 'article-ar-phone.png', locale: 'ar', viewport: { width: 360, height: 740 } },
  ];
  for (const s of shots) {
    const page = await open({ locale: s.locale, viewport: s.viewport });
    await go(page, s.url);
    const file = path.join(OUT, s.file);
    await page.screenshot({ path: file, fullPage: true });
    check(fs.statSync(file).size > 10000, `${s.file} is a real picture`);
    await close(page);
  }
});

test('readable on a 360 px phone: nothing wider than the screen', async () => {
  for (const lang of ['en', 'ar']) {
    const q = lang === 'ar' ? 'استرداد' : 'refund';
    const urls = [`/?lang=${lang}`, `/search?q=${encodeURIComponent(q)}&lang=${lang}`,
      lang === 'ar' ? AR_ARTICLE : EN_ARTICLE];
    for (const url of urls) {
      const page = await open({ viewport: { width: 360, height: 740 }, locale: lang });
      await go(page, url);
      const over = await page.evaluate(() => {
        const w = document.documentElement.clientWidth;
        const wide = [];
        for (const el of document.querySelectorAll('body *')) {
          const b = el.getBoundingClientRect();
          if (b.width > 0 && (b.right > w + 1 || b.left < -1) && !el.closest('.visually-hidden, .hp, pre'))
            wide.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(b.left)}..${Math.round(b.right)}`);
        }
        return { scroll: document.documentElement.scrollWidth, w, wide: wide.slice(0, 5) };
      });
      check(over.scroll <= over.w, `${url}: page scrolls sideways (${over.scroll} > ${over.w}): ${over.wide.join('; ')}`);
      check(over.wide.length === 0, `${url}: elements past the screen edge: ${over.wide.join('; ')}`);
      await close(page);
    }
  }
});

test('works with JavaScript disabled: search, open, vote No and Yes', async () => {
  const page = await open({ js: false });
  await go(page, '/?lang=en');
  await page.fill('#q-main', 'cancel order');
  await clickAndWait(page, page.locator('form.search-big button[type=submit]'));
  eq(new URL(page.url()).pathname, '/search', 'the search form submits without JavaScript');
  const first = page.locator('ol.results li.result .result-title a').first();
  check(/cancel/i.test(await first.innerText()), 'the first result is about cancelling');
  /* The copy buttons do nothing without the script, so they stay hidden
   * and the link is shown as text instead. */
  eq(await page.locator('button.copy:visible').count(), 0, 'no dead copy buttons');
  check(await page.locator('ol.results .url').first().isVisible(), 'the shareable link is visible');
  await clickAndWait(page, first);
  const articleUrl = new URL(page.url()).pathname;
  check(articleUrl.startsWith('/a/en/'), 'the result opens an article');

  /* No opens a <details> (no script needed), then a real form POST. */
  await page.click('details.fb-no summary');
  await page.check('#fb-r-outdated');
  const comment = 'no-JS vote: the cancel button moved ' + uniqueWord();
  await page.fill('#fb-comment', comment);
  await clickAndWait(page, page.locator('.fb-no-body button[type=submit]'));
  eq(await page.innerText('h1'), T.en.thanks_title, 'the thank-you page');
  check((await page.innerText('main')).includes(T.en.thanks_no), 'the thank-you after No');
  eq(await page.locator('#q-main').count(), 1, 'a search box after No');
  check((await gapsJson()).includes(comment), 'the no-JS comment is stored');

  /* Yes is a single button. */
  await go(page, AR_ARTICLE);
  await clickAndWait(page, page.locator('button.fb-yes'));
  eq(await page.getAttribute('html', 'dir'), 'rtl', 'the Arabic thank-you is right-to-left');
  eq(await page.innerText('h1'), T.ar.thanks_title, 'the Arabic thank-you page');
  check((await page.innerText('main')).includes(T.ar.thanks_yes), 'the thank-you after Yes');
  await close(page);
});

/* Every kind of page, in both languages, audited by axe-core. */
const AUDITS = [];
for (const lang of ['en', 'ar']) {
  const q = lang === 'ar' ? 'استرداد المبلغ' : 'refund';
  const art = lang === 'ar' ? AR_ARTICLE : EN_ARTICLE;
  AUDITS.push(
    { name: `home (${lang})`, url: `/?lang=${lang}` },
    { name: `results (${lang})`, url: `/search?q=${encodeURIComponent(q)}&lang=${lang}` },
    { name: `no results (${lang})`, url: `/search?q=zzqxj&lang=${lang}` },
    { name: `article (${lang})`, url: art },
    { name: `article, "No" open (${lang})`, url: art, openNo: true },
    { name: `vote thank-you (${lang})`, url: art, vote: true },
    { name: `vote confirmation (${lang})`, url: art, confirm: true },
    { name: `not found (${lang})`, url: `/a/${lang}/no-such-article`, status: 404 },
  );
}

test('accessibility: no serious or critical axe-core violations', async () => {
  const problems = [];
  for (const a of AUDITS) {
    const page = await open({ locale: a.url.includes('/ar') || a.url.includes('lang=ar') ? 'ar' : 'en-US' });
    await go(page, a.url, a.status || 200);
    if (a.openNo)
      await page.click('details.fb-no summary');
    if (a.vote) {
      /* The thank-you page itself, as a reader without JavaScript gets it. */
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.evaluate(() => {
        /* form.submit() skips app.js's submit handler (no event). */
        const f = document.querySelector('form.fb-form');
        const v = document.createElement('input');
        v.type = 'hidden'; v.name = 'vote'; v.value = 'no';
        f.appendChild(v);
        f.submit();
      })]);
      eq(await page.locator('section.thanks').count(), 1, `${a.name}: reached the thank-you`);
    }
    if (a.confirm) {
      /* The page a signed "Did this answer help? No" link opens: take the
       * link from the agent view, then open it as a reader. */
      const agent = await open({ headers: { Authorization: 'Bearer ' + ADMIN } });
      await go(agent, a.url + '?audience=internal');
      const links = await agent.locator('ul.reply-links .url').allInnerTexts();
      await close(agent);
      check(links.length === 2, `${a.name}: the agent view shows signed reply links`);
      await page.goto(links[1].trim());
      eq(await page.locator('section.confirm').count(), 1, `${a.name}: reached the confirmation`);
    }
    const v = await axe(page);
    for (const line of v) problems.push(`${a.name} ${a.url}: ${line}`);
    await close(page);
  }
  check(problems.length === 0, 'axe-core:\n    ' + problems.join('\n    '));
});

test('Content-Security-Policy and no inline script on the pages', async () => {
  const page = await open();
  const resp = await go(page, EN_ARTICLE);
  const csp = resp.headers()['content-security-policy'] || '';
  check(/script-src 'self'/.test(csp), `CSP with script-src 'self': ${csp}`);
  check(!/unsafe-inline/.test(csp), `CSP without unsafe-inline: ${csp}`);
  const inline = await page.evaluate(() => [...document.scripts].filter((s) => !s.src).length);
  eq(inline, 0, 'inline <script> elements');
  await close(page);
});

/* ---- main -------------------------------------------------------------- */

async function main() {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`browser tests: ${CHROMIUM} is missing (apt-get install chromium, ` +
      'or bash .ci/install-deps --test); they cannot run');
    console.log('0 passed, 1 failed');
    return 1;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'daleel-browser-'));
  let passed = 0, failed = 0;
  try {
    server = await startServer(tmp);
    /* Playwright gives every launch a fresh temporary profile (it refuses
     * --user-data-dir in args).  The other flags keep an offline Chromium
     * from waiting on connections it cannot make. */
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      timeout: 60000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
             '--no-first-run', '--disable-background-networking',
             '--disable-component-update', '--disable-sync',
             '--disable-dev-shm-usage', '--font-render-hinting=none'],
    });
    const only = process.env.BROWSER_TEST_ONLY;
    for (const t of tests) {
      if (only && !t.name.includes(only)) continue;
      const t0 = Date.now();
      try {
        await t.fn();
        passed++;
        console.log(`ok: ${t.name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`FAIL: ${t.name}\n    ${e instanceof Failure ? e.message : e.stack}`);
      }
    }
  } catch (e) {
    failed++;
    console.log('browser tests could not start: ' + (e.stack || e));
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) {
      server.proc.kill('SIGTERM');
      await new Promise((res) => {
        const timer = setTimeout(() => { server.proc.kill('SIGKILL'); res(); }, 10000);
        server.proc.once('exit', () => { clearTimeout(timer); res(); });
        if (server.proc.exitCode !== null) { clearTimeout(timer); res(); }
      });
      if (failed) {
        const log = fs.readFileSync(server.logPath, 'utf8').split('\n');
        console.log('--- last lines of the server log ---\n' + log.slice(-25).join('\n'));
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then((rc) => process.exit(rc), (e) => { console.log(e); console.log('0 passed, 1 failed'); process.exit(1); });
