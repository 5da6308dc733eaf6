// End-to-end: issue 16's waiting commands. `kubectl rollout status` and `kubectl wait` run
// simulated time until they end; in the page they print their first look at once, then the page
// runs time a frame at a time (the timeline says what it waits for), prints the rest below, and
// stops where the command ended. On a huge Deployment the page still answers: Pause within a
// second, and Ctrl+C ends the command.
// Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS, typeLine } from './lab.mjs';
import { clockMs } from './timeline.mjs';

let lab;
let page;
let problems;
const input = 'input.console-input';

before(async () => {
  lab = await openLab('e2e-wait-site');
  ({ page, problems } = lab);
});

after(async () => {
  await lab?.close();
});

/** What the background entries of `line` printed, in order. */
async function printedBy(p, line) {
  return p.$$eval('.scrollback .entry.background', (els, l) =>
    els.filter((e) => e.textContent.includes(`(${l})`)).map((e) => e.querySelector('pre').textContent).join(''), line);
}

test('rollout status waits while the page runs time, and stops where the rollout finished', async () => {
  await typeLine(page, 'kubectl create deployment web --image=nginx:1.27 --replicas=3');
  await page.waitForSelector('.scrollback >> text=deployment.apps/web created');
  const line = 'kubectl rollout status deployment/web';
  await typeLine(page, line);
  // The first look prints at once, as kubectl's does.
  await page.waitForSelector('.scrollback pre >> text=Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...');
  // The rest arrives as the page runs time, without a click on Play.
  await page.waitForFunction((l) => [...document.querySelectorAll('.scrollback .entry.background')]
    .some((e) => e.textContent.includes(`(${l})`) && e.textContent.includes('successfully rolled out')), line, { timeout: 20_000 });
  const printed = await printedBy(page, line);
  assert.match(printed, /deployment "web" successfully rolled out\n$/);
  // It ended by itself: nothing left to run, and the clock stopped at the rollout's end,
  // seconds in, not at the hour a rollout status may wait.
  await page.waitForSelector('.scrub .busy', { state: 'detached', timeout: 2_000 });
  assert.equal(await page.getAttribute('.timeline .play', 'aria-pressed'), 'false');
  const at = await clockMs(page);
  assert.ok(at > 0 && at < 60_000, `stopped at ${at} ms`);
  await page.waitForTimeout(500);
  assert.equal(await clockMs(page), at, 'time stays where the command ended');
  assert.doesNotMatch(await page.textContent('.console'), /watching `/);
  await page.screenshot({ path: `${SHOTS}/wait-rollout-status.png` });
  assert.deepEqual(problems, []);
});

test('kubectl wait prints "condition met" when the pod gets Ready, later, below the command', async () => {
  await typeLine(page, 'kubectl run nginx --image=nginx:1.27');
  await page.waitForSelector('.scrollback >> text=pod/nginx created');
  const line = 'kubectl wait --for=condition=Ready pod/nginx --timeout=60s';
  const before = await clockMs(page);
  await typeLine(page, line);
  await page.waitForFunction((l) => [...document.querySelectorAll('.scrollback .entry.background')]
    .some((e) => e.textContent.includes(`(${l})`) && e.textContent.includes('pod/nginx condition met')), line, { timeout: 20_000 });
  await page.waitForSelector('.scrub .busy', { state: 'detached', timeout: 5_000 });
  const after = await clockMs(page);
  assert.ok(after > before && after - before < 30_000, `waited ${after - before} ms`);
  assert.deepEqual(problems, []);
});

test('on 100,000 replicas a rollout status keeps the page responsive; Pause and Ctrl+C stop it', async () => {
  await typeLine(page, 'kubectl scale deployment web --replicas=100000');
  await page.waitForSelector('.scrollback >> text=deployment.apps/web scaled');
  const line = 'kubectl rollout status deployment/web';
  await typeLine(page, line);
  await page.waitForSelector('.scrub .busy', { timeout: 5_000 });
  await page.waitForTimeout(1_000);
  await page.screenshot({ path: `${SHOTS}/wait-rollout-100000.png` });
  const started = Date.now();
  await page.click('.timeline .play', { force: true, timeout: 1_000 });
  await page.waitForSelector('.scrub .busy', { state: 'detached', timeout: 1_000 });
  const took = Date.now() - started;
  assert.ok(took < 1_000, `Pause took ${took} ms`);
  // Paused, the command is still open; Ctrl+C ends it.
  assert.match(await page.textContent('.console'), /watching `kubectl rollout status deployment\/web`/);
  await page.focus(input);
  await page.keyboard.press('Control+c');
  await page.waitForSelector('.scrollback pre >> text=^C', { timeout: 2_000 });
  assert.doesNotMatch(await page.textContent('.console'), /watching `/);
  // The page takes a command at once.
  await page.fill(input, 'kubectl get deployment web');
  await page.press(input, 'Enter');
  await page.waitForSelector('.scrollback pre >> text=/web\\s+\\d+\\/100000/', { timeout: 2_000 });
  assert.deepEqual(problems, []);
});
