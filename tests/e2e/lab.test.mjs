// End-to-end: the Stateless Service story, entirely by clicking and typing, in headless chromium.
// Apply the book's example, partition a node, play to 7 minutes (a replacement runs while the
// cut-off copy lives on: the meter turns red), scrub back, reload, and open a share link.
// Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { serveRelease } from './server.mjs';
import { clockMs, playUntil, seek } from './timeline.mjs';
import { launch } from './browser.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const SHOTS = resolve(ROOT, 'target/e2e');

let server;
let browser;
let page;
const problems = [];
let partitioned; // the node cut off
let sharedState; // what the sharer saw

function watch(p) {
  p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  p.on('console', (m) => {
    if (m.type() === 'error' && !/\/podlab\/(singleton|stateless|stateful)/.test(m.location().url)) {
      problems.push(`console: ${m.text()}`);
    }
  });
}

/** Pods per node as the cluster view draws them: { node: [[name, status], ...] }. */
async function podsByNode(p) {
  return p.$$eval('.node', (nodes) => Object.fromEntries(nodes.map((n) => [
    n.querySelector('h3').textContent,
    [...n.querySelectorAll('.pod')].map((c) => [
      c.querySelector('.pod-name').textContent,
      c.querySelector('.badge').textContent,
    ]),
  ])));
}

before(async () => {
  server = await serveRelease(ROOT, 'e2e-lab-site');
  browser = await launch({ width: 1280, height: 720 });
  page = await browser.context.newPage();
  watch(page);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('apply the Stateless example, partition a node, play to 7 minutes', async () => {
  await page.goto(`${server.url}/podlab/stateless`);
  await page.waitForSelector('.editor .apply');
  assert.match(await page.inputValue('textarea.source'), /kind: ReplicaSet/);
  await page.click('.editor .apply');
  await page.waitForSelector('.scrollback >> text=replicaset.apps/random-generator created');

  await playUntil(page, 30_000);
  const before = await podsByNode(page);
  const all = Object.values(before).flat();
  assert.equal(all.length, 3, JSON.stringify(before));
  assert.ok(all.every(([, s]) => s === 'Running'), JSON.stringify(before));
  await page.screenshot({ path: `${SHOTS}/lab-1-applied.png` });

  partitioned = Object.keys(before).find((n) => before[n].length > 0);
  await page.click(`[aria-label="Actions on node ${partitioned}"]`);
  await page.click(`[role=menuitem]:has-text("lab partition ${partitioned}")`);
  await page.waitForSelector(`.scrollback >> text=$ lab partition ${partitioned}`);
  assert.ok(await page.$eval(`[aria-label="node ${partitioned}"]`, (n) => n.classList.contains('partitioned')));
  await page.screenshot({ path: `${SHOTS}/lab-2-partitioned.png` });

  await playUntil(page, 7 * 60_000);
  const after = await podsByNode(page);
  const cutOff = after[partitioned];
  assert.ok(cutOff.some(([, s]) => s === 'Terminating'), JSON.stringify(after));
  const elsewhere = Object.entries(after).filter(([n]) => n !== partitioned).flatMap(([, p]) => p);
  const oldNames = new Set(Object.values(before).flat().map(([n]) => n));
  assert.ok(elsewhere.some(([n, s]) => !oldNames.has(n) && s === 'Running'), `a replacement runs: ${JSON.stringify(after)}`);
  assert.equal(await page.textContent(`[aria-label="node ${partitioned}"] .badge`), 'NotReady');
  // The red meter: four copies really run where the ReplicaSet wants three.
  const meter = await page.$('.meter.over');
  assert.ok(meter, 'the meter is red');
  assert.equal(await meter.getAttribute('data-running'), '4');
  assert.match(await meter.getAttribute('title'), /at-least-once/);
  assert.ok(await page.$(`[aria-label="node ${partitioned}"] .proc.unseen`), 'the cut-off copy still runs');
  await page.screenshot({ path: `${SHOTS}/lab-3-seven-minutes.png` });
  sharedState = { pods: after, clock: await page.textContent('.timeline .clock') };
  assert.deepEqual(problems, []);
});

test('scrub back to 1 minute and see the old state', async () => {
  await seek(page, 60_000);
  await page.waitForFunction(() => document.querySelector('.timeline .clock').textContent === '01:00.0');
  const pods = await podsByNode(page);
  const all = Object.values(pods).flat();
  assert.equal(all.length, 3, JSON.stringify(pods));
  assert.ok(all.every(([, s]) => s === 'Running'), JSON.stringify(pods));
  assert.equal(await page.$('.meter.over'), null);
  assert.ok(await page.$eval(`[aria-label="node ${partitioned}"]`, (n) => n.classList.contains('partitioned')));
  await page.screenshot({ path: `${SHOTS}/lab-4-scrubbed-back.png` });

  // Forward again: the same future, replayed.
  await seek(page, 1e9);
  await page.waitForFunction((c) => document.querySelector('.timeline .clock').textContent === c, sharedState.clock);
  assert.deepEqual(await podsByNode(page), sharedState.pods);
  assert.deepEqual(problems, []);
});

test('reload and find the work restored', async () => {
  await page.reload();
  await page.waitForSelector('.editor .apply');
  assert.match(await page.textContent('.exercise .notice'), /Restored your work/);
  assert.equal(await page.textContent('.timeline .clock'), sharedState.clock);
  assert.deepEqual(await podsByNode(page), sharedState.pods);
  assert.ok(await page.$('.meter.over'));
  // The console shows the logged commands again, as they printed.
  assert.match(await page.textContent('.scrollback'), new RegExp(`\\$ lab partition ${partitioned}`));
  await page.screenshot({ path: `${SHOTS}/lab-5-restored.png` });
  assert.deepEqual(problems, []);
});

test('open a share link and get the same state', async () => {
  await page.click('button[aria-label="Make a share link"]');
  const url = await page.inputValue('.share-url');
  assert.match(url, /\/podlab\/stateless#run=[A-Za-z0-9_-]+$/);
  // A different browser profile: nothing from the autosave can help.
  const other = await launch({ width: 1920, height: 1080 });
  try {
    const p = await other.context.newPage();
    watch(p);
    await p.goto(url);
    await p.waitForSelector('.editor .apply');
    assert.match(await p.textContent('.exercise .notice'), /Opened someone else's run from a share link/);
    assert.equal(await p.textContent('.timeline .clock'), sharedState.clock);
    assert.deepEqual(await podsByNode(p), sharedState.pods);
    assert.ok(await p.$('.meter.over'));
    assert.ok(!p.url().includes('#run='), 'the fragment is dropped once read');
    // The button names the theme it switches to.
    await p.click('.topbar button.theme:has-text("Dark theme")');
    await p.waitForSelector('.topbar button.theme:has-text("Light theme")');
    await p.screenshot({ path: `${SHOTS}/lab-6-shared-1920-dark.png` });
  } finally {
    await other.close();
  }
  assert.deepEqual(problems, []);
});

test('the panels: DNS answers, storage, and events that seek', async () => {
  await page.click('#tab-dns');
  const dns = await page.textContent('#panel-dns');
  assert.match(dns, /random-generator\.default\.svc\.cluster\.local\.\s+30\s+IN\s+A\s+10\./);
  await page.screenshot({ path: `${SHOTS}/lab-8-dns.png` });

  await page.click('#tab-events');
  await page.fill('input[aria-label="Filter events by object"]', partitioned);
  await page.waitForSelector('.events .event');
  const rows = await page.$$eval('.events .event', (r) => r.map((x) => x.textContent));
  assert.ok(rows.length > 2 && rows.every((r) => r.includes(partitioned)), rows.join('\n'));
  await page.screenshot({ path: `${SHOTS}/lab-9-events.png` });
  // Going back to an earlier entry: afterwards it is the newest change.
  const target = (await page.$$('.events .event'))[2];
  const when = await target.$eval('.ev-time', (e) => e.textContent);
  const what = await target.$eval('.ev-what', (e) => e.textContent);
  await target.click();
  await page.waitForFunction((w) => document.querySelector('.events .event .ev-time')?.textContent === w, when);
  const now = await page.$$eval('.events .event', (r, w) => r
    .filter((x) => x.querySelector('.ev-time').textContent === w)
    .map((x) => x.querySelector('.ev-what').textContent), when);
  assert.ok(now.includes(what), `${what} in ${now}`);
  assert.ok((await clockMs(page)) < 7 * 60_000);
  await page.click('#tab-pods');
  assert.deepEqual(problems, []);
});

test('an error in the manifest is underlined and listed', async () => {
  await page.fill('textarea.source', 'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web\nspec:\n  replicas: two\n');
  await page.waitForSelector('.overlay .d-err');
  assert.equal(await page.textContent('.overlay .d-err'), 'two');
  assert.match(await page.textContent('#editor-problems'), /6:13: error/);
  await page.screenshot({ path: `${SHOTS}/lab-7-editor-error.png` });
  assert.deepEqual(problems, []);
});

test('the keyboard plays, pauses and steps', async () => {
  await page.click('#cluster-title');
  const t0 = await clockMs(page);
  // Changes can be milliseconds apart; the clock shows tenths, so step until it moves.
  for (let i = 0; i < 50 && (await clockMs(page)) === t0; i++) {
    await page.keyboard.press('ArrowRight');
  }
  // A search that outlasts the click goes on a frame at a time: wait for it to end.
  await page.waitForSelector('.scrub .busy', { state: 'detached' });
  // Right steps forward, or says nothing on screen will change and stays.
  const stays = /Nothing on screen changes/.test(await page.textContent('.exercise .notice'));
  assert.ok(stays || (await clockMs(page)) > t0, 'Right steps forward');
  await page.keyboard.press('Space');
  await page.waitForSelector('.timeline .play[aria-pressed="true"]');
  await page.keyboard.press('Space');
  await page.waitForSelector('.timeline .play[aria-pressed="false"]');
  assert.ok(stays || (await clockMs(page)) > t0);
  assert.deepEqual(problems, []);
});

test('the replicas:1 story on the Singleton page: two copies run at once', async () => {
  await page.click('nav >> text=Singleton Service');
  await page.waitForSelector('#exercise-title >> text=Singleton Service');
  assert.match(await page.inputValue('textarea.source'), /replicas: 1/);
  await page.click('.editor .apply');
  await playUntil(page, 30_000);
  const before = await podsByNode(page);
  const node = Object.keys(before).find((n) => before[n].length > 0);
  await page.click(`[aria-label="Actions on node ${node}"]`);
  await page.click(`[role=menuitem]:has-text("lab partition ${node}")`);
  await playUntil(page, 7 * 60_000);
  const meter = await page.$('.meter.over');
  assert.ok(meter, 'the meter is red');
  assert.equal(await meter.getAttribute('data-running'), '2');
  await page.screenshot({ path: `${SHOTS}/lab-10-singleton.png` });
  assert.deepEqual(problems, []);
});
