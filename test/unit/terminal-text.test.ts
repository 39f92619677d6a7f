import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeControl, guardTerminalText } from '../../src/core/terminal-text';
import { painter } from '../../src/cli/text-table';

test('escapeControl shows every control character as an escape', () => {
  assert.equal(escapeControl('a\u001b]0;t\u0007\r\nb\tc\u009b\u202e'), 'a\\x1b]0;t\\x07\\r\\nb\\tc\\x9b\\u202e');
  assert.equal(escapeControl('plain/ünï.js'), 'plain/ünï.js');
});

test('guardTerminalText keeps newlines and our colours, escapes the rest', () => {
  const paint = painter(true);
  const ours = `\u001b[2J\u001b[H${paint('red', 'red', 'bold')}\nline`;
  assert.equal(guardTerminalText(ours), ours);
  assert.equal(guardTerminalText('x\u001b]0;title\u0007\ry'), 'x\\x1b]0;title\\x07\\ry');
  assert.equal(guardTerminalText('\u001b[1A\u001b[31mz'), '\\x1b[1A\u001b[31mz');
});
