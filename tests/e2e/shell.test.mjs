// End-to-end: the release site, served under /podlab/ as on GitHub Pages, in headless chromium.
// Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const SITE = resolve(ROOT, 'target/e2e-site');
const SHOTS = resolve(ROOT, 'target/e2e');

let server;
let browser;
let page;
const problems = [];

before(async () => {
  await stat(resolve(ROOT, 'dist/index.html')).catch(() => {
    throw new Error('dist/ is missing: run `trunk build --release --public-url /podlab/` first');
  });
  await rm(SITE, { recursive: true, force: true });
  await mkdir(SITE, { recursive: true });
  await cp(resolve(ROOT, 'dist'), resolve(SITE, 'podlab'), { recursive: true });
  await mkdir(SHOTS, { recursive: true });
  server = await serve(SITE, 'podlab');
  browser = await launch();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // The deep-link fallback answers 404 by design (as GitHub Pages does); any other failure is a bug.
  const deepLink = (url) => /\/podlab\/(singleton|stateless|stateful)$/.test(url);
  page.on('console', (m) => {
    if (m.type() === 'error' && !deepLink(m.location().url)) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !deepLink(r.url())) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the shell renders every region under /podlab/', async () => {
  await page.goto(`${server.url}/podlab/`);
  await page.waitForSelector('.app-shell');
  for (const region of ['nav', '.exercise', '.editor', '.cluster', '.panels', '.timeline']) {
    assert.ok(await page.isVisible(region), `${region} is visible`);
  }
  assert.equal(await page.textContent('nav a[aria-current="page"]'), 'Stateless Service');
  assert.equal(await page.title(), 'podlab: Kubernetes patterns lab');
  await page.screenshot({ path: `${SHOTS}/shell.png` });
  assert.deepEqual(problems, []);
});

test('a deep link survives a reload', async () => {
  await page.click('nav >> text=Stateful Service');
  await page.waitForURL(`${server.url}/podlab/stateful`);
  assert.equal(await page.textContent('#exercise-title'), 'Stateful Service');

  await page.reload();
  await page.waitForSelector('.app-shell');
  assert.equal(await page.textContent('nav a[aria-current="page"]'), 'Stateful Service');
  assert.equal(await page.textContent('#exercise-title'), 'Stateful Service');

  // A link opened fresh, as from a bookmark.
  const fresh = await browser.context.newPage();
  await fresh.goto(`${server.url}/podlab/singleton`);
  await fresh.waitForSelector('.app-shell');
  assert.equal(await fresh.textContent('#exercise-title'), 'Singleton Service');
  await fresh.screenshot({ path: `${SHOTS}/deep-link.png` });
  await fresh.close();

  // Back returns to the previous page without a reload.
  await page.goBack();
  await page.waitForURL(`${server.url}/podlab/`);
  assert.equal(await page.textContent('#exercise-title'), 'Stateless Service');
  assert.deepEqual(problems, []);
});

test('an address that names no page says so', async () => {
  await page.goto(`${server.url}/podlab/no-such-page`);
  await page.waitForSelector('.app-shell');
  assert.match(await page.textContent('[role="alert"]'), /No such page/);
});
