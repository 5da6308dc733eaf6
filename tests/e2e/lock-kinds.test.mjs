// End-to-end: the Singleton page's lock kinds on the same failure (ref §7.3, §7.5, §7.6). Load
// the Dapr and the ZooKeeper examples with the In-app lock picker, play until one process
// leads, pause it from its pod menu and play 30 s: a second holder appears and the Locks tab's
// belief timeline shades the split-brain window. ZooKeeper fences: on resume the paused
// leader's stale write is refused and marked on its row. Screenshots land in target/e2e/.
// Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS } from './lab.mjs';
import { clockMs, playUntil } from './timeline.mjs';

let lab;
let page;
let problems;

before(async () => {
  lab = await openLab('e2e-lock-kinds-site', { path: null, height: 900 });
  ({ page, problems } = lab);
});

after(async () => {
  await lab?.close();
});

async function podMenu(p, pod, label, command) {
  await p.click(`[aria-label="Actions on pod ${pod}"]`);
  await p.click(`[role=menuitem]:has-text("${label}")`);
  await p.waitForSelector(`.scrollback >> text=$ ${command}`);
}

/** Opens a fresh Singleton page, loads `label`'s example and plays until one process leads. */
async function loadAndElect(label, file, deployment) {
  // A fresh run: forget the autosaved one of the test before. Clear the storage from a
  // static file of the site, where no lab runs: cleared under a running lab, a late autosave
  // could write the old run back before the reload.
  await page.goto(`${lab.server.url}/podlab/pack.schema.json`);
  await page.evaluate(() => localStorage.clear());
  await page.goto(`${lab.server.url}/podlab/singleton`);
  await page.waitForSelector('.editor .apply');
  await page.click('#tab-locks');
  await page.click(`.examples button:has-text("${label}")`);
  await page.waitForSelector(`.scrollback >> text=$ kubectl apply -f ${file}`);
  await page.waitForSelector(`.scrollback >> text=deployment.apps/${deployment} created`);
  await playUntil(page, 30_000);
  const text = await page.textContent('#panel-locks');
  const m = text.match(/One process believes it leads: ([a-z0-9-]+)\./);
  assert.ok(m, text);
  return m[1];
}

/** Pauses `leader` for 30 s, checks the split brain, resumes it and plays 10 s more. */
async function pauseAndResume(leader, shot) {
  await podMenu(page, leader, 'Pause the process', `lab pause ${leader}`);
  await playUntil(page, (await clockMs(page)) + 30_000);
  await page.waitForSelector('#panel-locks .split-brain');
  assert.match(await page.textContent('#panel-locks'), /Split brain: 2 processes believe they lead/);
  const meter = await page.textContent('.meters');
  assert.match(meter, /believe they lead 2/);
  await page.screenshot({ path: `${SHOTS}/${shot}-1-split-brain.png` });
  await podMenu(page, leader, 'Resume the process', `lab resume ${leader}`);
  await playUntil(page, (await clockMs(page)) + 10_000);
  assert.equal(await page.$('#panel-locks .split-brain'), null);
}

/** The belief timeline of `lock`: its rows, shaded windows and refused marks. */
async function timeline(lock) {
  const sel = `#panel-locks [aria-label="belief timeline ${lock}"]`;
  await page.locator(sel).scrollIntoViewIfNeeded();
  return page.$eval(sel, (s) => ({
    text: s.textContent,
    rows: s.querySelectorAll('.tl-row').length,
    bars: s.querySelectorAll('.tl-bar').length,
    shaded: s.querySelectorAll('.tl-row:first-of-type .tl-split').length,
    refused: s.querySelectorAll('.tl-refused').length,
  }));
}

test('Dapr: a paused holder and its successor both believe; no token, nothing refused', async () => {
  const leader = await loadAndElect('Dapr lock', 'singleton-dapr.yaml', 'singleton-dapr');
  const text = await page.textContent('#panel-locks');
  assert.match(text, /dapr\/lockstore\/singleton-dapr/);
  assert.match(text, /Dapr lock \(lock\.redis\)/);
  assert.match(text, new RegExp(`lockOwner${leader}`));
  assert.match(text, /TTL[\dms.]+ \([\d.]+s left\)/);
  await pauseAndResume(leader, 'lock-kinds-dapr');
  const t = await timeline('dapr/lockstore/singleton-dapr');
  assert.ok(t.rows >= 2 && t.bars >= 2, JSON.stringify(t));
  assert.equal(t.shaded, 1);
  assert.equal(t.refused, 0);
  assert.match(t.text, /Split brain: 1 window where two or more believed they led/);
  await page.locator('.panels').screenshot({ path: `${SHOTS}/lock-kinds-dapr-2-timeline.png` });
  assert.deepEqual(problems, []);
});

test('ZooKeeper: sessions and nodes; the paused leader is fenced on resume', async () => {
  const leader = await loadAndElect('ZooKeeper', 'singleton-zookeeper.yaml', 'singleton-zookeeper');
  const text = await page.textContent('#panel-locks');
  assert.match(text, /zookeeper\/singleton-zookeeper/);
  assert.match(text, /\/singleton-zookeeper\/lock-0000000000/);
  assert.match(text, /0x1000000000000\d+/);
  assert.match(text, /CONNECTED/);
  await pauseAndResume(leader, 'lock-kinds-zookeeper');
  const after = await page.textContent('#panel-locks');
  assert.match(after, /[1-9]\d* refused \(fenced\)/);
  const t = await timeline('zookeeper/singleton-zookeeper');
  assert.ok(t.rows >= 2, JSON.stringify(t));
  assert.equal(t.shaded, 1);
  assert.ok(t.refused >= 1, JSON.stringify(t));
  await page.locator('.panels').screenshot({ path: `${SHOTS}/lock-kinds-zookeeper-2-timeline.png` });
  assert.deepEqual(problems, []);
});
