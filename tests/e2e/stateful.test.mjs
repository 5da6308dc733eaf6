// End-to-end: the Stateful Service page by clicking, as a student would (ref §3.3, §2.6).
// Apply the book's example, watch rg-0 come before rg-1 with a claim each, cut rg-0's node
// off and play ten minutes: rg-0 stays Terminating, is never replaced, and exactly one rg-0
// process runs. Then the safe way out: power the node off and taint it out-of-service, and
// rg-0 comes back elsewhere, still one process.
// Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS } from './lab.mjs';
import { clockMs, playUntil } from './timeline.mjs';

let lab;
let page;
let problems;

before(async () => {
  lab = await openLab('e2e-stateful-site', { path: null });
  ({ page, problems } = lab);
});

after(async () => {
  await lab?.close();
});

/** { pod name: [node, status] } as the cluster view draws the API server's pods. */
async function pods(p) {
  return p.$$eval('.node', (nodes) => Object.fromEntries(nodes.flatMap((n) => [
    ...n.querySelectorAll('.pod'),
  ].map((c) => [
    c.querySelector('.pod-name').textContent,
    [n.querySelector('h3').textContent, c.querySelector('.badge').textContent],
  ]))));
}

/** Nodes where a process of `pod` really runs (the ground truth's process cards). */
async function processesOf(p, pod) {
  return p.$$eval('.node', (nodes, name) => nodes.flatMap((n) => [
    ...n.querySelectorAll('.proc'),
  ].filter((c) => c.querySelector('.pod-name').textContent === name)
    .map(() => n.querySelector('h3').textContent)), pod);
}

async function run(p, node, command) {
  await p.click(`[aria-label="Actions on node ${node}"]`);
  await p.click(`[role=menuitem]:has-text("${command}")`);
  await p.waitForSelector(`.scrollback >> text=$ ${command}`);
}

test('rg-0 before rg-1, a claim each, shown as a ladder', async () => {
  await page.goto(`${lab.server.url}/podlab/stateful`);
  await page.waitForSelector('.editor .apply');
  assert.match(await page.inputValue('textarea.source'), /kind: StatefulSet/);
  await page.click('.editor .apply');
  await page.waitForSelector('.scrollback >> text=statefulset.apps/rg created');
  await playUntil(page, 60_000);
  const now = await pods(page);
  assert.equal(now['rg-0']?.[1], 'Running', JSON.stringify(now));
  assert.equal(now['rg-1']?.[1], 'Running', JSON.stringify(now));
  await page.click('#tab-statefulsets');
  const ladder = await page.textContent('#panel-statefulsets');
  assert.match(ladder, /statefulset\/rg/);
  assert.match(ladder, /logs-rg-0 \(Bound\)/);
  assert.match(ladder, /logs-rg-1 \(Bound\)/);
  assert.match(ladder, /waiting for nothing/);
  await page.screenshot({ path: `${SHOTS}/stateful-1-ladder.png` });
  assert.deepEqual(problems, []);
});

test('a cut-off rg-0 stays Terminating and is never replaced', async () => {
  const node = (await pods(page))['rg-0'][0];
  await run(page, node, `lab partition ${node}`);
  await playUntil(page, (await clockMs(page)) + 10 * 60_000);
  const now = await pods(page);
  assert.deepEqual(now['rg-0'], [node, 'Terminating'], JSON.stringify(now));
  assert.equal(Object.keys(now).filter((n) => n === 'rg-0').length, 1);
  assert.deepEqual(await processesOf(page, 'rg-0'), [node], 'exactly one rg-0 process, on the cut-off node');
  const row = await page.textContent('#panel-statefulsets');
  assert.match(row, /rg-0\s+Terminating on /);
  await page.screenshot({ path: `${SHOTS}/stateful-2-terminating.png` });

  // The safe way out: the node is really off, then tainted out-of-service.
  await run(page, node, `lab crash ${node}`);
  await run(page, node, `kubectl taint nodes ${node} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute`);
  await playUntil(page, (await clockMs(page)) + 3 * 60_000);
  const later = await pods(page);
  assert.equal(later['rg-0']?.[1], 'Running', JSON.stringify(later));
  assert.notEqual(later['rg-0'][0], node);
  assert.equal((await processesOf(page, 'rg-0')).length, 1, 'still one rg-0 process');
  await page.screenshot({ path: `${SHOTS}/stateful-3-out-of-service.png` });
  assert.deepEqual(problems, []);
});

test('the unsafe way: undo to the stuck rg-0, force delete it, and two run', async () => {
  // Back before the crash and the taint (two changes, two undos).
  await page.click('button[aria-label="Undo the last change to the run"]');
  await page.click('button[aria-label="Undo the last change to the run"]');
  const stuck = await pods(page);
  assert.equal(stuck['rg-0']?.[1], 'Terminating', JSON.stringify(stuck));
  const node = stuck['rg-0'][0];
  await page.click('[aria-label="Actions on pod rg-0"]');
  await page.click('[role=menuitem]:has-text("kubectl delete pod rg-0 --grace-period=0 --force")');
  await page.waitForSelector('.scrollback >> text=$ kubectl delete pod rg-0 --grace-period=0 --force');
  await playUntil(page, (await clockMs(page)) + 60_000);
  const now = await pods(page);
  assert.equal(now['rg-0']?.[1], 'Running', JSON.stringify(now));
  assert.notEqual(now['rg-0'][0], node);
  const running = await processesOf(page, 'rg-0');
  assert.equal(running.length, 2, `two rg-0 processes: ${running}`);
  assert.ok(running.includes(node), 'the old one still runs on the cut-off node');
  await page.click('#tab-statefulsets');
  assert.ok(await page.$('#panel-statefulsets .rung.fault'), 'the ladder marks the identity that runs twice');
  await page.screenshot({ path: `${SHOTS}/stateful-4-force-deleted.png` });
  assert.deepEqual(problems, []);
});

test('kubectl exec -it opens a shell in the pod until exit', async () => {
  const input = 'input.console-input';
  await page.fill(input, 'kubectl exec -it rg-1 -- bash');
  await page.press(input, 'Enter');
  await page.waitForSelector('.shell-prompt');
  assert.equal(await page.getAttribute(input, 'placeholder'), 'root@rg-1:/#');
  await page.fill(input, 'cd /opt/logs && hostname');
  await page.press(input, 'Enter');
  await page.waitForSelector('.scrollback >> text=$ cd /opt/logs && hostname');
  assert.equal(await page.getAttribute(input, 'placeholder'), 'root@rg-1:/opt/logs#');
  await page.screenshot({ path: `${SHOTS}/stateful-5-shell.png` });
  await page.fill(input, 'exit');
  await page.press(input, 'Enter');
  await page.waitForFunction(() => !document.querySelector('.shell-prompt'));
  assert.equal(await page.getAttribute(input, 'placeholder'), 'kubectl get pods');
  assert.deepEqual(problems, []);
});
