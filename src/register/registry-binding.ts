// A client attaching through the inspector finds the agent in the registry core declares as a
// script-level `const` (AGENT_BINDING). Preloaded, there is no client yet: the registry is declared
// here, with core's own expression, so the CLI and the editor attaching later find it (they skip
// declaring it once it exists) and reuse the agent with its history.
import * as vm from 'node:vm';
import { AGENT_BINDING } from '../agent/protocol';
import { declareRegistryExpression, registryStateExpression } from '../core/inspector/agent-expressions';

/** Declares the registry in this thread unless it exists; answers how to read it (throws when it cannot be read). */
export function declareRegistry(): () => unknown {
  if (vm.runInThisContext(registryStateExpression) === 'undefined') vm.runInThisContext(declareRegistryExpression);
  return vm.runInThisContext(`(() => ${AGENT_BINDING})`) as () => unknown;
}
