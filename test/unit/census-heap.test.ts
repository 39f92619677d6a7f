// The streaming heap snapshot reader and the census scan, on real heap snapshots of this process:
// chunk boundaries anywhere give the same graph as JSON.parse; suspended async functions are
// grouped by function and active timers by callback, cleared timers left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapSnapshot } from 'node:v8';
import { scanHeapGraph } from '../../src/core/census/census-scan';
import { pickSample } from '../../src/core/census/census';
import { HeapSnapshotReader, type HeapGraphData } from '../../src/core/census/heap-snapshot-reader';

async function heapSnapshotText(): Promise<string> {
  const parts: string[] = [];
  for await (const chunk of getHeapSnapshot()) parts.push(String(chunk));
  return parts.join('');
}

function readInChunks(text: string, sizes: () => number): HeapGraphData {
  const reader = new HeapSnapshotReader();
  for (let at = 0; at < text.length;) {
    const size = sizes();
    reader.push(text.slice(at, at + size));
    at += size;
  }
  return reader.finish();
}

const held: unknown[] = [];
async function waitsForever(): Promise<void> {
  await new Promise((resolve) => held.push(resolve));
}
function onTick(): void {}

test('the streaming reader gives what JSON.parse gives, whatever the chunk boundaries', async () => {
  const text = await heapSnapshotText();
  const whole = JSON.parse(text);
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (const sizes of [() => 1 + Math.floor(random() * 7), () => 1 + Math.floor(random() * 70_000), () => text.length]) {
    const graph = readInChunks(text, sizes);
    assert.deepEqual(graph.meta, whole.snapshot.meta);
    assert.deepEqual(Array.from(graph.nodes), whole.nodes);
    assert.deepEqual(Array.from(graph.edges), whole.edges);
    assert.deepEqual(Array.from(graph.locations), whole.locations);
    assert.deepEqual(graph.strings, whole.strings);
  }
});

test('a cut-off snapshot is an error, not a partial graph', async () => {
  const text = await heapSnapshotText();
  const reader = new HeapSnapshotReader();
  reader.push(text.slice(0, Math.floor(text.length / 2)));
  assert.throws(() => reader.finish(), /ended early/);
});

test('the scan groups suspended async functions by function and active timers by callback', async () => {
  for (let i = 0; i < 12; i++) void waitsForever();
  const timers = Array.from({ length: 5 }, () => setInterval(onTick, 60_000));
  const cleared = setInterval(onTick, 60_000);
  clearInterval(cleared);
  try {
    const scan = scanHeapGraph(readInChunks(await heapSnapshotText(), () => 65_536));
    const tasks = scan.tasks.filter((g) => g.fn.function === 'waitsForever');
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0].tasks.length, 12);
    assert.ok(tasks[0].fn.script.endsWith('census-heap.test.js'), tasks[0].fn.script);
    assert.ok(tasks[0].promises.every((id) => id > 0));
    const ticking = scan.timers.filter((g) => g.callback.function === 'onTick');
    assert.equal(ticking.length, 1);
    assert.equal(ticking[0].timers.length, 5, 'the cleared interval is not counted');
  } finally {
    for (const t of timers) clearInterval(t);
  }
});

test('pickSample takes distinct indexes, all of them when there are few', () => {
  assert.deepEqual(pickSample(3, 8), [0, 1, 2]);
  const picked = pickSample(1000, 8);
  assert.equal(new Set(picked).size, 8);
  assert.ok(picked.every((i) => i >= 0 && i < 1000));
});
