// End-to-end: issue 15's host tools in the page. The book's kind line makes the lab's cluster
// a kind cluster (a tainted control plane and two workers), Undo brings the old one back, and
// minikube makes a one-node cluster whose NodePort the host's curl reaches.
// Needs `trunk build --release --public-url /podlab/` first (scripts/test.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openLab, SHOTS, typeLine } from './lab.mjs';

let lab;
let page;
let problems;

before(async () => {
  lab = await openLab('e2e-host-tools-site', { path: '/podlab/singleton' });
  ({ page, problems } = lab);
});

after(async () => {
  await lab?.close();
});


test('the book\'s kind line makes a kind cluster, and Undo brings the old one back', async () => {
  const before = await page.textContent('.cluster');
  assert.doesNotMatch(before, /kind-control-plane/);
  await typeLine(page, 'curl -s https://k8spatterns.com/SingletonService/kind-multinode.yml | kind create cluster --config -');
  await page.waitForSelector('.scrollback pre >> text=Have a nice day!');
  const cluster = await page.textContent('.cluster');
  assert.match(cluster, /kind-control-plane/);
  assert.match(cluster, /kind-worker2/);
  await typeLine(page, 'kubectl get nodes');
  await page.waitForSelector('.scrollback pre >> text=/kind-control-plane\\s+Ready\\s+control-plane/');
  await page.screenshot({ path: `${SHOTS}/host-tools-kind.png` });
  await page.click('.run-actions >> text=Undo');
  await page.waitForFunction(() => !document.querySelector('.cluster').textContent.includes('kind-control-plane'));
  assert.deepEqual(problems, []);
});

test('minikube and a NodePort reached from the host', async () => {
  await typeLine(page, 'minikube start');
  await page.waitForSelector('.scrollback pre >> text=Done! kubectl is now configured');
  await typeLine(page, 'kubectl create -f https://k8spatterns.com/StatefulService/pvs.yml');
  await typeLine(page, 'kubectl create -f https://k8spatterns.com/StatefulService/service.yml');
  await typeLine(page, 'kubectl create -f https://k8spatterns.com/StatefulService/statefulset.yml');
  await typeLine(page, 'kubectl create -f https://k8spatterns.com/StatefulService/service-nodeport.yml');
  await typeLine(page, 'kubectl rollout status statefulset rg');
  await page.waitForSelector('.scrollback pre >> text=partitioned roll out complete');
  await typeLine(page, 'minikube service random-generator-np --url > random-url.txt &');
  await typeLine(page, 'url=$(cat random-url.txt)');
  await typeLine(page, 'curl -s $url | jq .');
  await page.waitForSelector('.scrollback pre >> text="random":');
  await page.screenshot({ path: `${SHOTS}/host-tools-minikube.png` });
  assert.deepEqual(problems, []);
});
