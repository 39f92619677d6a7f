/** Version of the agent: an installed agent of this version or newer is reused, an older one replaced. */
export const AGENT_VERSION = '0.1.0';
