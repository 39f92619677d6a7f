// Calls into the agent inside one thread of the target. Every expression sent is built in
// agent-expressions.ts from our own code and JSON.stringify'd settings; nothing that came from the
// target is ever evaluated, and every answer is size-capped in the target and checked here.
import agentSource from 'agent:source';
import type { AgentConfig, AgentCounts, AgentInfo, AgentRefusal, AgentSnapshot } from '../../agent/protocol';
import { checkAgentCounts, checkAgentInfo, checkAgentSnapshot } from './agent-answers';
import { AGENT_BINDING } from '../../agent/protocol';
import {
  agentPresentExpression,
  callExpression,
  declareRegistryExpression,
  installExpression,
  MAX_SMALL_ANSWER_CHARS,
  MAX_SNAPSHOT_ANSWER_CHARS,
  registryStateExpression,
} from './agent-expressions';
import { LensError } from '../errors';
import type { CdpChannel } from './inspector-connection';

/** The package's version, set at build time (scripts/build.mjs): a newer agent replaces an older one. */
export const AGENT_VERSION = PACKAGE_VERSION;

export const DEFAULT_AGENT_CONFIG: AgentConfig = {
  version: AGENT_VERSION,
  stackDepth: 12,
  nodeModulesAsSites: false,
  stackCapturesPerSecond: 1000,
  maxTrackedResources: 200_000,
  maxSites: 20_000,
  examplesPerSite: 5,
};

interface EvaluateResult {
  result?: { type: string; value?: unknown; description?: string };
  exceptionDetails?: { text?: string; exception?: { description?: string } };
}

/** What a call expression answers (see callExpression). */
interface CallAnswer {
  version?: unknown;
  value?: unknown;
  missing?: true;
  foreign?: true;
  threw?: string;
  tooLarge?: number;
}

export class AgentClient {
  private installedWith: AgentConfig | undefined;

  /**
   * @param onReinstalled called when the agent was found gone (another client detached it) and was
   *   injected again: tracking restarts from that moment.
   */
  constructor(
    readonly channel: CdpChannel,
    private readonly onReinstalled?: () => void,
  ) {}

  /** The agent is in the target already (installed with `config` through another client). */
  adopt(config: AgentConfig): this {
    this.installedWith = config;
    return this;
  }

  async install(config: AgentConfig): Promise<AgentInfo> {
    this.installedWith = config;
    await this.declareRegistry();
    const text = await this.evaluate(installExpression(agentSource, JSON.stringify(config))).catch((error: Error) => {
      throw new LensError('agent', `${error.message} Nothing of the agent was left running.`);
    });
    const answer = this.parse(text, MAX_SMALL_ANSWER_CHARS, 'the install');
    const value = answer.value as AgentInfo | AgentRefusal | undefined;
    if (value && typeof value === 'object' && 'refused' in value && typeof value.refused === 'string') {
      throw new LensError(value.tampered ? 'tampered' : 'agent', `Cannot install the agent: ${value.refused.slice(0, 500)}`);
    }
    const info = checkAgentInfo(value);
    if (info.version !== config.version) throw foreignVersion(info.version, config.version);
    return info;
  }

  /** Declares the registry unless it is there (a racing client may declare it first: fine). */
  private async declareRegistry(): Promise<void> {
    if ((await this.evaluate(registryStateExpression)) === 'undefined') {
      const declared = await this.evaluateRaw(declareRegistryExpression);
      if (!declared.exceptionDetails) return;
      const state = await this.evaluate(registryStateExpression);
      if (state === 'undefined')
        throw new LensError(
          'agent',
          `Cannot install the agent: the target refused to declare ${AGENT_BINDING}: ${describeException(declared).split('\n')[0].slice(0, 300)}`,
        );
    }
    if ((await this.evaluate(registryStateExpression)) === 'uninitialised') {
      throw new LensError(
        'tampered',
        `Cannot install the agent: the global ${AGENT_BINDING} exists in the target but can never be read (something else declared it and failed); restart the target.`,
      );
    }
  }

  async poll(timeoutMs?: number): Promise<AgentCounts> {
    return checkAgentCounts(await this.callAgent('poll', MAX_SMALL_ANSWER_CHARS, timeoutMs));
  }

  async snapshot(timeoutMs?: number): Promise<AgentSnapshot> {
    return checkAgentSnapshot(await this.callAgent('snapshot', MAX_SNAPSHOT_ANSWER_CHARS, timeoutMs));
  }

  /** Removes the agent; true when one was there. */
  async detach(timeoutMs?: number): Promise<boolean> {
    const answer = this.parse(
      await this.evaluate(callExpression('detach', MAX_SMALL_ANSWER_CHARS), timeoutMs),
      MAX_SMALL_ANSWER_CHARS,
      'detach',
    );
    if (answer.missing) return false;
    this.checkCall(answer, 'detach');
    return answer.value === true;
  }

  async isInstalled(timeoutMs?: number): Promise<boolean> {
    return (await this.evaluate(agentPresentExpression, timeoutMs)) === true;
  }

  async collectGarbage(timeoutMs?: number): Promise<void> {
    await this.channel.send('HeapProfiler.collectGarbage', {}, timeoutMs);
  }

  private async callAgent(method: 'poll' | 'snapshot', maxChars: number, timeoutMs?: number): Promise<unknown> {
    const expression = callExpression(method, maxChars);
    let answer = this.parse(await this.evaluate(expression, timeoutMs), maxChars, `a ${method}`);
    if (answer.missing && this.installedWith) {
      // Two clients share one agent; when the other detaches, this one puts it back.
      await this.install(this.installedWith);
      this.onReinstalled?.();
      answer = this.parse(await this.evaluate(expression, timeoutMs), maxChars, `a ${method}`);
    }
    if (answer.missing)
      throw new LensError(
        'agent',
        'The agent is no longer in the target (another tool detached it, or the process restarted). Attach again.',
      );
    this.checkCall(answer, `a ${method}`);
    return answer.value;
  }

  /** A call that reached something: it must be our registry, our version, and must not have thrown. */
  private checkCall(answer: CallAnswer, what: string): void {
    if (answer.foreign)
      throw new LensError(
        'tampered',
        `Something in the target took the agent's place (its registry is not an Async Leak Lens one), so ${what} was not used. Restart the target to attach cleanly.`,
      );
    if (answer.threw !== undefined)
      throw new LensError('agent', `The agent failed inside the target during ${what}: ${String(answer.threw).slice(0, 300)}`);
    if (answer.version !== this.installedWith?.version && answer.version !== AGENT_VERSION)
      throw foreignVersion(answer.version, AGENT_VERSION);
  }

  /** The JSON text a call expression answered, parsed; anything else is a clear error. */
  private parse(text: unknown, maxChars: number, what: string): CallAnswer {
    if (typeof text !== 'string' || text.length > maxChars) {
      throw new LensError(
        'tampered',
        `The answer to ${what} from the target is not what the agent sends (${typeof text === 'string' ? `${text.length} characters` : describeKind(text)}), so it was not used.`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new LensError(
        'tampered',
        `The answer to ${what} from the target is not JSON (was JSON.stringify replaced in the target?), so it was not used.`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new LensError('tampered', `The answer to ${what} from the target is not an object, so it was not used.`);
    const answer = value as CallAnswer;
    if (typeof answer.tooLarge === 'number') {
      throw new LensError(
        'tampered',
        `The agent's answer to ${what} was ${answer.tooLarge < 0 ? 'not text' : `at least ${answer.tooLarge} characters`}, over the limit of ${maxChars}, so it was left in the target: no real agent answers that much. Code in the target may imitate the agent; restart the target to attach cleanly.`,
      );
    }
    return answer;
  }

  private async evaluateRaw(expression: string, timeoutMs?: number): Promise<EvaluateResult> {
    return this.channel.send<EvaluateResult>(
      'Runtime.evaluate',
      { expression, includeCommandLineAPI: true, returnByValue: true, silent: true },
      timeoutMs,
    );
  }

  private async evaluate(expression: string, timeoutMs?: number): Promise<unknown> {
    const answer = await this.evaluateRaw(expression, timeoutMs);
    if (answer.exceptionDetails) {
      throw new LensError('agent', `The agent failed inside the target: ${describeException(answer).split('\n')[0].slice(0, 300)}.`);
    }
    return answer.result?.value;
  }
}

function describeException(answer: EvaluateResult): string {
  const details = answer.exceptionDetails;
  return String(details?.exception?.description ?? details?.text ?? 'unknown error');
}

function describeKind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function foreignVersion(found: unknown, ours: string): LensError {
  const shown = typeof found === 'string' ? JSON.stringify(found.slice(0, 40)) : describeKind(found);
  return new LensError(
    'tampered',
    `The agent in the target is version ${shown}, not ${ours}: another version or something posing as the agent. Its answers were not used; detach it with the version that installed it, or restart the target.`,
  );
}
