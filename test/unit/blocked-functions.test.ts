import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockedFunctions, blockedLensTitle, declaredName, declaresFunction } from '../../src/extension/editor/blocked-functions';
import { SiteIndex } from '../../src/extension/editor/line-marks';
import { APP_DIR, frame, site, snapshot } from './core-test-data';

const SOURCE = `'use strict';
const jobs = new AsyncQueue();

async function runWorker() {
  stats.workers++;
  for await (const job of jobs) {
    stats.processed += job.size;
  }
}

class OrderService {
  place(sku) {
    void this.awaitPayment(order);
  }

  private async awaitPayment(order: Order): Promise<void> {
    const confirmation = await this.confirmations.waitFor(order.id);
    const again = await this.confirmations.waitFor(order.id);
  }
}

const handler = async (req) => {
  await once(req, 'done');
};
app.get('/', async (req, res) => {
  if (req.query.x) {
    const conn = await pool.acquire();
  }
  res.send(await render({ a: 1 }));
});
`;
const lines = SOURCE.split('\n');
const lineAt = (n: number) => lines[n - 1];
const FILE = `${APP_DIR}/app.ts`;

function marksOf(sites: Parameters<typeof site>[0][]) {
  const index = new SiteIndex();
  index.setSource({ id: 't', label: 't', snapshot: snapshot(sites.map(site)) });
  return index.marksForFile(FILE);
}

test('a blocked site is attributed to the declaration of the function its frame names', () => {
  const found = blockedFunctions(
    marksOf([
      { kind: 'blocked', at: frame(FILE, 6, 20, 'runWorker'), count: 30 },
      { kind: 'blocked', at: frame(FILE, 17, 26, 'OrderService.awaitPayment'), count: 7 },
      { kind: 'blocked', at: frame(FILE, 18, 19, 'async OrderService.awaitPayment'), count: 9 },
      { kind: 'blocked', at: frame(FILE, 23, 3, 'handler'), count: 2 },
      { kind: 'created', at: frame(FILE, 13, 5, 'place'), count: 100 },
    ]),
    lineAt,
  );
  assert.deepEqual(
    found.map((f) => [f.declarationLine, f.count, f.topSiteLine]),
    [
      [4, 30, 6],
      [16, 16, 18],
      [22, 2, 23],
    ],
  );
});

test('names with no declaration above get no lens', () => {
  const found = blockedFunctions(marksOf([{ kind: 'blocked', at: frame(FILE, 6, 20, 'elsewhere'), count: 3 }]), lineAt);
  assert.deepEqual(found, []);
});

test('an anonymous handler (the express shape) gets its lens on the line that opens it', () => {
  const found = blockedFunctions(
    marksOf([
      { kind: 'blocked', at: frame(FILE, 27, 18, ''), count: 46 },
      { kind: 'blocked', at: frame(FILE, 29, 12, '<anonymous>'), count: 4 },
    ]),
    lineAt,
  );
  assert.deepEqual(
    found.map((f) => [f.name, f.declarationLine, f.count, f.topSiteLine]),
    [['<anonymous>', 25, 50, 27]],
  );
});

test('declarations are told apart from calls', () => {
  assert.equal(declaresFunction('async function runWorker() {', 'runWorker'), true);
  assert.equal(declaresFunction('function* gen<T>(x: T) {', 'gen'), true);
  assert.equal(declaresFunction('  private async awaitPayment(order: Order): Promise<void> {', 'awaitPayment'), true);
  assert.equal(declaresFunction('  static async #drain(', 'drain'), true);
  assert.equal(declaresFunction('const handler = async (req) => {', 'handler'), true);
  assert.equal(declaresFunction('  onMessage: function (m) {', 'onMessage'), true);
  assert.equal(declaresFunction('  runWorker();', 'runWorker'), false);
  assert.equal(declaresFunction('  await this.awaitPayment(order); // later', 'awaitPayment'), false);
  assert.equal(declaresFunction('  x.runWorker = 3', 'runWorker'), false);
});

test('stack names are reduced to the declared name', () => {
  assert.equal(declaredName('async runWorker'), 'runWorker');
  assert.equal(declaredName('OrderService.awaitPayment'), 'awaitPayment');
  assert.equal(declaredName('new Worker'), 'Worker');
  assert.equal(declaredName('<anonymous>'), undefined);
  assert.equal(declaredName(''), undefined);
});

test('lens titles', () => {
  assert.equal(blockedLensTitle(1), '1 task blocked here');
  assert.equal(blockedLensTitle(1234), '1,234 tasks blocked here');
});
