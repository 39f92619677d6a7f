import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LensError } from '../../src/core/errors';
import { assertAllowedHost, isLoopbackHost, parseTargetAddress } from '../../src/core/target-address';

test('target addresses: ws URL, host:port, port, pid', () => {
  assert.deepEqual(parseTargetAddress('ws://127.0.0.1:9229/abc'), { kind: 'ws', url: 'ws://127.0.0.1:9229/abc', host: '127.0.0.1', port: 9229 });
  assert.deepEqual(parseTargetAddress('localhost:9230'), { kind: 'http', host: 'localhost', port: 9230 });
  assert.deepEqual(parseTargetAddress('[::1]:9229'), { kind: 'http', host: '::1', port: 9229 });
  assert.deepEqual(parseTargetAddress(' 9229 '), { kind: 'port-or-pid', value: 9229 });
  assert.deepEqual(parseTargetAddress('pid:4242'), { kind: 'pid', pid: 4242 });
  assert.deepEqual(parseTargetAddress('123456'), { kind: 'pid', pid: 123456 });
});

test('malformed targets are clear errors', () => {
  for (const bad of ['', 'nonsense', 'host:99999', '0', 'ws://[bad']) {
    assert.throws(() => parseTargetAddress(bad), (e: unknown) => e instanceof LensError && e.code === 'bad-target' && e.message.length > 10, bad);
  }
});

test('only loopback hosts without the opt-in', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) assert.equal(isLoopbackHost(host), true, host);
  for (const host of ['10.0.0.1', 'example.test', '0.0.0.0', '128.0.0.1']) assert.equal(isLoopbackHost(host), false, host);
  assert.throws(() => assertAllowedHost('10.0.0.1', false), /only loopback/);
  assert.doesNotThrow(() => assertAllowedHost('10.0.0.1', true));
});
