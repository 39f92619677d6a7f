import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LensError } from '../../src/core/errors';
import { assertAllowedHost, assertAllowedUrl, isLoopbackHost, parseTargetAddress } from '../../src/core/inspector/target-address';

test('target addresses: ws URL, host:port, port, pid', () => {
  assert.deepEqual(parseTargetAddress('ws://127.0.0.1:9229/abc'), {
    kind: 'ws',
    url: 'ws://127.0.0.1:9229/abc',
    host: '127.0.0.1',
    port: 9229,
  });
  assert.deepEqual(parseTargetAddress('localhost:9230'), { kind: 'http', host: 'localhost', port: 9230 });
  assert.deepEqual(parseTargetAddress('[::1]:9229'), { kind: 'http', host: '::1', port: 9229 });
  assert.deepEqual(parseTargetAddress(' 9229 '), { kind: 'port-or-pid', value: 9229 });
  assert.deepEqual(parseTargetAddress('pid:4242'), { kind: 'pid', pid: 4242 });
  assert.deepEqual(parseTargetAddress('123456'), { kind: 'pid', pid: 123456 });
});

test('malformed targets are clear errors', () => {
  for (const bad of ['', 'nonsense', 'host:99999', '0', 'ws://[bad']) {
    assert.throws(
      () => parseTargetAddress(bad),
      (e: unknown) => e instanceof LensError && e.code === 'bad-target' && e.message.length > 10,
      bad,
    );
  }
});

test('only loopback hosts without the opt-in', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) assert.equal(isLoopbackHost(host), true, host);
  for (const host of ['10.0.0.1', 'example.test', '0.0.0.0', '128.0.0.1']) assert.equal(isLoopbackHost(host), false, host);
  assert.throws(() => assertAllowedHost('10.0.0.1', false), /only loopback/);
  assert.doesNotThrow(() => assertAllowedHost('10.0.0.1', true));
});

test('URLs about to be opened: loopback ws:// only, whatever host spelling', () => {
  for (const url of [
    'ws://127.0.0.1:9229/x',
    'ws://localhost:9229/x',
    'ws://[::1]:9229/x',
    'ws://127.1:9229/x',
    'ws://0x7f.1:9229/x',
    'wss://127.0.0.1/x',
  ]) {
    assert.doesNotThrow(() => assertAllowedUrl(url, false), url);
  }
  for (const url of [
    'ws://192.0.2.2:9229/x',
    'ws://localhost.example.test:9229/x',
    'ws://127.0.0.1.example.test/x',
    'ws://127.0.0.1@192.0.2.2:9229/x',
    'ws://0.0.0.0:9229/x',
  ]) {
    assert.throws(
      () => assertAllowedUrl(url, false),
      (e: unknown) => e instanceof LensError && e.code === 'not-loopback' && /--allow-remote/.test(e.message),
      url,
    );
  }
  assert.doesNotThrow(() => assertAllowedUrl('ws://192.0.2.2:9229/x', true));
  // Anything but a WebSocket URL would make the connection library look up targets on its own.
  for (const url of ['http://127.0.0.1:9229/json/list', 'abc', '/devtools/x']) {
    assert.throws(
      () => assertAllowedUrl(url, true),
      (e: unknown) => e instanceof LensError && e.code === 'bad-target',
      url,
    );
  }
});
