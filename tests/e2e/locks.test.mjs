// End-to-end: the Singleton page's in-application locking, as a student would see it (ref
// §7.2). Apply the leader-elector example from the console, play until one candidate leads and
// the Locks tab shows it; pause the leader from its pod menu and play past the lease duration:
// a second leader is elected while the paused one still believes it leads (the split brain is
// shown); resume it, and its stale writes are refused by fencing and it stops leading.
// Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS } from './lab.mjs';
import { clockMs, playUntil } from './timeline.mjs';

let lab;
let page;
let leader;
let problems;

before(async () => {
  lab = await openLab('e2e-locks-site', { path: null });
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

/** The candidate rung of `pod` in the Locks panel: its text and whether it is marked. */
async function candidate(p, pod) {
  return p.$eval(`#panel-locks [aria-label="candidate ${pod}"]`, (li) => ({
    text: li.textContent,
    fault: li.classList.contains('fault'),
  }));
}

test('the leader-elector example elects one leader, shown in the Locks tab', async () => {
  await page.goto(`${lab.server.url}/podlab/singleton`);
  await page.waitForSelector('.editor .apply');
  await page.click('#tab-locks');
  assert.match(await page.textContent('#panel-locks'), /No locks yet/);
  const input = 'input.console-input';
  await page.fill(input, 'kubectl apply -f singleton-leader.yaml');
  await page.press(input, 'Enter');
  await page.waitForSelector('.scrollback >> text=deployment.apps/elector created');
  await playUntil(page, 30_000);
  const text = await page.textContent('#panel-locks');
  assert.match(text, /lease\/default\/singleton-leader/);
  const m = text.match(/One process believes it leads: (elector-[a-z0-9-]+)\./);
  assert.ok(m, text);
  leader = m[1];
  const lead = await candidate(page, leader);
  assert.match(lead.text, /believes it leads \(token 0\)/);
  assert.match(lead.text, /left on its clock/);
  assert.equal(lead.fault, false);
  assert.equal(await page.$('#panel-locks .split-brain'), null);
  assert.match(text, /\d+ accepted, 0 refused \(fenced\)/);
  await page.screenshot({ path: `${SHOTS}/locks-1-leader.png` });
  assert.deepEqual(problems, []);
});

test('a paused leader and its successor both believe they lead: a split brain', async () => {
  await podMenu(page, leader, 'Pause the process', `lab pause ${leader}`);
  await playUntil(page, (await clockMs(page)) + 30_000);
  await page.waitForSelector('#panel-locks .split-brain');
  const text = await page.textContent('#panel-locks');
  assert.match(text, /Split brain: 2 processes believe they lead/);
  const paused = await candidate(page, leader);
  assert.match(paused.text, /paused/);
  assert.match(paused.text, /believes it leads \(token 0\)/);
  assert.match(paused.text, /lease expired [\d.]+s ago on its clock/);
  assert.ok(paused.fault, 'the paused leader is marked');
  assert.match(text, /believes it leads \(token 1\)/);
  assert.equal(await page.$$eval('#panel-locks .rung.fault', (r) => r.length), 2);
  await page.screenshot({ path: `${SHOTS}/locks-2-split-brain.png` });
  await page.locator(`#panel-locks [aria-label="candidate ${leader}"]`).scrollIntoViewIfNeeded();
  await page.locator('.panels').screenshot({ path: `${SHOTS}/locks-2b-candidates.png` });
  assert.deepEqual(problems, []);
});

test('resumed, its stale writes are refused and it stops leading', async () => {
  await podMenu(page, leader, 'Resume the process', `lab resume ${leader}`);
  // Within its renew deadline it still works, with its stale token: the resource refuses it.
  await playUntil(page, (await clockMs(page)) + 6_000);
  await page.waitForFunction(() => /[1-9]\d* refused \(fenced\)/.test(document.querySelector('#panel-locks').textContent));
  await page.locator('#panel-locks ul.writes').scrollIntoViewIfNeeded();
  await page.locator('.panels').screenshot({ path: `${SHOTS}/locks-3-fenced.png` });
  await playUntil(page, (await clockMs(page)) + 15_000);
  assert.equal(await page.$('#panel-locks .split-brain'), null);
  const text = await page.textContent('#panel-locks');
  assert.match(text, /One process believes it leads: elector-/);
  assert.doesNotMatch(text, new RegExp(`One process believes it leads: ${leader}\\.`));
  const resumed = await candidate(page, leader);
  assert.match(resumed.text, /follower/);
  assert.match(text, /[1-9]\d* refused \(fenced\)/);
  await page.screenshot({ path: `${SHOTS}/locks-4-resumed.png` });
  assert.deepEqual(problems, []);
});
