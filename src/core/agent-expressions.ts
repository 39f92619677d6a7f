// The expressions core evaluates in the target to reach the agent. All are built here from our
// own code and constants; nothing that came from the target is ever evaluated.
//
// The agent's registry is a global `const` (AGENT_BINDING): declared once per thread by
// `declareRegistryExpression`, it can be neither deleted nor reassigned by target code, and
// declaring it does not need an extensible global object. Every call answers with a JSON string
// whose length is checked inside the target, so an agent answering with 150 MB costs the tool
// nothing: the tool never receives it.
import { AGENT_BINDING, AGENT_REGISTRY_SCHEMA, AGENT_SOURCE_URL } from '../agent/protocol';

/** Longest answer read from a snapshot call; polls and the rest are far smaller. */
export const MAX_SNAPSHOT_ANSWER_CHARS = 64 * 1024 * 1024;
export const MAX_SMALL_ANSWER_CHARS = 1024 * 1024;

/** Declares the registry; fails once it exists (so check registryStateExpression first). */
export const declareRegistryExpression = `const ${AGENT_BINDING} = (() => {
  let current;
  const registry = {
    schema: ${JSON.stringify(AGENT_REGISTRY_SCHEMA)},
    current: () => current,
    put(handle) { current = handle; },
    release(handle) { if (current === handle) current = undefined; },
  };
  // Never throws: a const whose initialiser threw could never be declared nor read again.
  try { Object.freeze(registry); } catch {}
  return registry;
})();`;

/** `typeof` the binding: "undefined" before it is declared, "uninitialised" when it can never be read. */
export const registryStateExpression = `(() => { try { return typeof ${AGENT_BINDING}; } catch { return 'uninitialised'; } })()`;

/**
 * Defines `answer(value)`: JSON text of at most maxChars, else `{"tooLarge": n}`. Serialising
 * stops as soon as the estimate passes the cap, so a 150 MB answer costs the target little too.
 */
const defineAnswer = (maxChars: number) => `const answer = (value) => {
  const over = {};
  let size = 0;
  let text;
  try {
    text = JSON.stringify(value, function (key, item) {
      size += key.length + (typeof item === 'string' ? item.length : 8);
      if (size > ${maxChars}) throw over;
      return item;
    });
  } catch (error) {
    if (error !== over) throw error;
    return '{"tooLarge":' + size + '}';
  }
  return typeof text === 'string' && text.length <= ${maxChars} ? text : '{"tooLarge":' + (typeof text === 'string' ? text.length : -1) + '}';
};`;

/** Runs the agent bundle and installs it; answers `{ value: AgentInfo | AgentRefusal }` as JSON text. */
export function installExpression(agentSource: string, configJson: string): string {
  return `(() => {
${agentSource}
${defineAnswer(MAX_SMALL_ANSWER_CHARS)}
const value = asyncLeakLensAgentModule.install(${configJson}, () => ${AGENT_BINDING});
return answer({ value });
})()
//# sourceURL=${AGENT_SOURCE_URL}`;
}

/**
 * Calls one method of the installed agent. Answers JSON text: `{ version, value }`, or
 * `{ missing: true }` (no agent), `{ foreign: true }` (the binding is not our registry),
 * `{ threw: text }`, `{ tooLarge: chars }`.
 */
export function callExpression(method: 'poll' | 'snapshot' | 'detach', maxChars: number): string {
  return `(() => {
  ${defineAnswer(maxChars)}
  let registry;
  try { registry = ${AGENT_BINDING}; } catch { return '{"missing":true}'; }
  if (typeof registry !== 'object' || registry === null || !Object.isFrozen(registry) || registry.schema !== ${JSON.stringify(AGENT_REGISTRY_SCHEMA)} || typeof registry.current !== 'function') return '{"foreign":true}';
  try {
    const agent = registry.current();
    if (agent === undefined) return '{"missing":true}';
    return answer({ version: agent.version, value: agent.${method}() });
  } catch (error) {
    let text = 'an exception';
    try { text = String(error instanceof Error ? error.message : error).slice(0, 300); } catch {}
    return answer({ threw: text });
  }
})()`;
}

/** True when an agent is installed (for tests and cleanup checks). */
export const agentPresentExpression = `(() => { try { return ${AGENT_BINDING}.current() !== undefined; } catch { return false; } })()`;

/** For Runtime.callFunctionOn: hands a census's sites and sample objects to the installed agent; -1 without one. */
export const censusCallDeclaration = `function (input, ...objects) {
  let agent;
  try { agent = ${AGENT_BINDING}.current(); } catch { return -1; }
  return agent && typeof agent.census === 'function' ? agent.census(input, objects) : -1;
}`;
