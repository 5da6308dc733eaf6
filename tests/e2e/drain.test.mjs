// End-to-end: drain a node from its menu on the Stateless page (ref §6.3). The drain cordons the
// node, evicts its pod, and keeps printing in the console as simulated time plays.
// Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS } from './lab.mjs';
import { playUntil } from './timeline.mjs';

let lab;
let page;
let problems;

before(async () => {
  lab = await openLab('e2e-drain-site');
  ({ page, problems } = lab);
});

after(async () => {
  await lab?.close();
});

test('drain a node from its menu and watch it finish as time plays', async () => {
  await page.click('.editor .apply');
  await playUntil(page, 30_000, 20);
  const node = await page.$$eval('.node', (nodes) =>
    nodes.find((n) => n.querySelectorAll('.pod').length > 0).querySelector('h3').textContent);

  await page.click(`[aria-label="Actions on node ${node}"]`);
  await page.click('[role=menuitem]:has-text("Drain")');
  await page.waitForSelector(`.scrollback >> text=node/${node} cordoned`);
  await page.waitForSelector('.scrollback >> text=/evicting pod default\\/random-generator-/');

  // The pod is gone a moment later; the drain prints that on its own, as time runs.
  await playUntil(page, 90_000, 20);
  await page.waitForSelector(`.scrollback .background >> text=node/${node} drained`);
  const later = await page.textContent('.scrollback .background');
  assert.ok(later.includes(`(kubectl drain ${node})`), later);
  assert.match(later, /pod\/random-generator-\S+ evicted/);
  const badge = await page.textContent(`[aria-label="node ${node}"] .badge`);
  assert.match(badge, /SchedulingDisabled/);
  assert.equal(await page.$$eval(`[aria-label="node ${node}"] .pod`, (p) => p.length), 0);
  const running = await page.$$eval('.pod .badge', (b) => b.filter((x) => x.textContent === 'Running').length);
  assert.equal(running, 3, 'the ReplicaSet replaced the evicted pod on another node');
  await page.screenshot({ path: `${SHOTS}/lab-11-drained.png` });
  assert.deepEqual(problems, []);
});
