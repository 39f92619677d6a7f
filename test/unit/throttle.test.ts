import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Throttle } from '../../src/extension/tree/throttle';

test('a burst of requests runs the action once, and a later request runs it again', async () => {
  let runs = 0;
  const throttle = new Throttle(() => runs++, 100);
  for (let i = 0; i < 100; i++) throttle.schedule();
  assert.equal(runs, 0, 'runs later, not inside the burst');
  await sleep(400);
  assert.equal(runs, 1);
  throttle.schedule();
  await sleep(400);
  assert.equal(runs, 2, 'the trailing request is not lost');
  throttle.dispose();
});

test('requests arriving steadily run at most once per interval', async () => {
  let runs = 0;
  const throttle = new Throttle(() => runs++, 200);
  const started = Date.now();
  while (Date.now() - started < 1000) {
    throttle.schedule();
    await sleep(10);
  }
  const elapsed = Date.now() - started;
  throttle.dispose();
  // One run per 200 ms at most (plus the first): never one per request (~100).
  assert.ok(runs >= 1 && runs <= Math.ceil(elapsed / 200) + 1, `${runs} runs in ${elapsed} ms`);
});

test('dispose cancels a pending run', async () => {
  let runs = 0;
  const throttle = new Throttle(() => runs++, 50);
  throttle.schedule();
  throttle.dispose();
  await sleep(200);
  assert.equal(runs, 0);
});
