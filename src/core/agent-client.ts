// Calls into the agent inside one thread of the target. Every expression sent is built here from
// our own code and JSON.stringify'd settings; nothing that came from the target is ever evaluated.
import agentSource from 'agent:source';
import { AGENT_GLOBAL_KEY, AGENT_SOURCE_URL, type AgentConfig, type AgentCounts, type AgentInfo, type AgentSnapshot } from '../agent/protocol';
import { LensError } from './errors';
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

const agentRef = `globalThis[Symbol.for(${JSON.stringify(AGENT_GLOBAL_KEY)})]`;

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

  install(config: AgentConfig): Promise<AgentInfo> {
    this.installedWith = config;
    const expression = `(() => {\n${agentSource}\nreturn asyncLeakLensAgentModule.install(${JSON.stringify(config)});\n})()\n//# sourceURL=${AGENT_SOURCE_URL}`;
    return this.evaluate<AgentInfo>(expression);
  }

  async poll(timeoutMs?: number): Promise<AgentCounts> {
    return this.callAgent<AgentCounts>('poll()', timeoutMs);
  }

  async snapshot(timeoutMs?: number): Promise<AgentSnapshot> {
    return this.callAgent<AgentSnapshot>('snapshot()', timeoutMs);
  }

  /** Removes the agent; true when one was there. */
  async detach(timeoutMs?: number): Promise<boolean> {
    return (await this.evaluate<boolean | null>(`(() => { const a = ${agentRef}; return a ? a.detach() : false; })()`, timeoutMs)) === true;
  }

  async isInstalled(timeoutMs?: number): Promise<boolean> {
    return (await this.evaluate<boolean>(`${agentRef} !== undefined`, timeoutMs)) === true;
  }

  async collectGarbage(timeoutMs?: number): Promise<void> {
    await this.channel.send('HeapProfiler.collectGarbage', {}, timeoutMs);
  }

  private async callAgent<T>(call: string, timeoutMs?: number): Promise<T> {
    const expression = `(() => { const a = ${agentRef}; return a ? a.${call} : null; })()`;
    let value = await this.evaluate<T | null>(expression, timeoutMs);
    if (value === null && this.installedWith) {
      // Two clients share one agent; when the other detaches, this one puts it back.
      await this.install(this.installedWith);
      this.onReinstalled?.();
      value = await this.evaluate<T | null>(expression, timeoutMs);
    }
    if (value === null) throw new LensError('agent', 'The agent is no longer in the target (another tool detached it, or the process restarted). Attach again.');
    return value;
  }

  private async evaluate<T>(expression: string, timeoutMs?: number): Promise<T> {
    const answer = await this.channel.send<EvaluateResult>(
      'Runtime.evaluate',
      { expression, includeCommandLineAPI: true, returnByValue: true, silent: true },
      timeoutMs,
    );
    if (answer.exceptionDetails) {
      const detail = answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text ?? 'unknown error';
      throw new LensError('agent', `The agent failed inside the target: ${detail.split('\n')[0]}`);
    }
    return answer.result?.value as T;
  }
}
