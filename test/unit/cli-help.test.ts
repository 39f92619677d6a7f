import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commands, main } from '../../src/cli/main';

/** Long option names a help text mentions anywhere (usage line, option list, prose). */
function mentionedOptions(help: string): Set<string> {
  return new Set([...help.matchAll(/(?<![\w-])--([a-z][a-z-]*[a-z])/g)].map((m) => m[1]));
}

/** The options a help text lists: lines that start (indented) with `-x, --name` or `--name`. */
function listedOptions(help: string): Map<string, string | undefined> {
  const listed = new Map<string, string | undefined>();
  for (const m of help.matchAll(/^ {2}(?:-([a-zA-Z]), )?--([a-z][a-z-]*[a-z])/gm)) listed.set(m[2], m[1]);
  return listed;
}

for (const [name, command] of Object.entries(commands)) {
  test(`${name} --help lists exactly the options ${name} parses, with their short forms`, () => {
    const parsed = command.options;
    const listed = listedOptions(command.help);
    assert.deepEqual([...listed.keys()].sort(), Object.keys(parsed).sort(), `${name}: listed in the help vs parsed`);
    for (const [option, short] of listed) assert.equal(short, parsed[option].short, `${name} --${option}: short form`);
    // Prose and the usage line name only options of this command too.
    for (const option of mentionedOptions(command.help)) {
      if (option === 'help') continue;
      assert.ok(option in parsed, `${name} --help mentions --${option}, which ${name} does not take`);
    }
  });
}

test('detach --help names how to reach the target, not how the agent records sites', async () => {
  let out = '';
  const code = await main(['detach', '--help'], { out: (text) => (out += text), err: () => undefined, color: false, isTty: false });
  assert.equal(code, 0);
  assert.match(out, /--target/);
  assert.doesNotMatch(out, /--stack-depth|--node-modules-sites/);
});

test('detach refuses an option of another command before attaching to anything', async () => {
  let err = '';
  const code = await main(['detach', '--target', '1', '--stack-depth', '3'], {
    out: () => undefined,
    err: (text) => (err += text),
    color: false,
    isTty: false,
  });
  assert.equal(code, 2);
  assert.match(err, /stack-depth/);
});
