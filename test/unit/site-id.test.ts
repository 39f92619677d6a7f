import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fnv1a64Hex, siteId } from '../../src/core/sites/site-id';
import { frame } from './core-test-data';

/** Straightforward BigInt FNV-1a 64, to check the limb arithmetic against. */
function referenceFnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

test('fnv1a64Hex matches the published FNV-1a 64 test vectors', () => {
  // From the FNV reference test suite (draft-eastlake-fnv).
  assert.equal(fnv1a64Hex(''), 'cbf29ce484222325');
  assert.equal(fnv1a64Hex('a'), 'af63dc4c8601ec8c');
  assert.equal(fnv1a64Hex('foobar'), '85944171f73967e8');
});

test('fnv1a64Hex agrees with a BigInt implementation on varied text, including non-ASCII', () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = 'abcXYZ019:/._-\u0000 éß✓😀\\';
  const chars = [...alphabet];
  for (let i = 0; i < 300; i++) {
    let text = '';
    const length = Math.floor(random() * 80);
    for (let j = 0; j < length; j++) text += chars[Math.floor(random() * chars.length)];
    assert.equal(fnv1a64Hex(text), referenceFnv1a64(text), `text ${JSON.stringify(text)}`);
  }
});

test('siteId is a 12-digit hex id, the same for the same site whatever the function name', () => {
  const at = frame('src/queue.ts', 39, 11, 'sum');
  const id = siteId('blocked', 'PROMISE', 0, at);
  assert.match(id, /^[0-9a-f]{12}$/);
  assert.equal(siteId('blocked', 'PROMISE', 0, { ...at }), id);
  assert.equal(siteId('blocked', 'PROMISE', 0, { ...at, function: 'renamed' }), id);
});

test('siteId differs when any part of the site key differs', () => {
  const at = frame('src/queue.ts', 39, 11, 'sum');
  const variants = [
    siteId('blocked', 'PROMISE', 0, at),
    siteId('created', 'PROMISE', 0, at),
    siteId('blocked', 'Timeout', 0, at),
    siteId('blocked', 'PROMISE', 1, at),
    siteId('blocked', 'PROMISE', 0, { ...at, file: `${at.file}x` }),
    siteId('blocked', 'PROMISE', 0, { ...at, line: 40 }),
    siteId('blocked', 'PROMISE', 0, { ...at, column: 12 }),
    // Field boundaries matter: "1" + "23" must not collide with "12" + "3".
    siteId('blocked', 'PROMISE', 0, { ...at, line: 3, column: 911 }),
  ];
  assert.equal(new Set(variants).size, variants.length);
});
