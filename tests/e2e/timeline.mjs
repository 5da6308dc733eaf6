// Driving the lab's timeline from end-to-end tests.

/** Plays at `speed`x until the clock shows at least `ms` of simulated time, then pauses. */
export async function playUntil(p, ms, speed = 100) {
  await p.selectOption('select[aria-label="Speed"]', String(speed));
  await p.click('.timeline .play');
  await p.waitForFunction((target) => {
    const [, m, s] = document.querySelector('.timeline .clock').textContent.match(/(\d+):(\d+)/);
    return (Number(m) * 60 + Number(s)) * 1000 >= target;
  }, ms, { timeout: 60_000 });
  await p.click('.timeline .play');
  await p.waitForSelector('.timeline .play[aria-pressed="false"]');
}

/** Drags the scrubber to `ms` of simulated time, as a learner would. */
export async function seek(p, ms) {
  await p.$eval('.scrubber', (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
}

/** Simulated ms shown by the timeline's clock (`07:02.3`). */
export async function clockMs(p) {
  const t = await p.textContent('.timeline .clock');
  const [, m, s, d] = t.match(/(\d+):(\d+)\.(\d)/);
  return (Number(m) * 60 + Number(s)) * 1000 + Number(d) * 100;
}
