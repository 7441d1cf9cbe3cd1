export type NodeKind = 'anvil' | 'ganache';
export const NODE_KINDS: readonly NodeKind[] = ['anvil', 'ganache'];

/** A local chain node this process started; `stop()` ends it on every exit path. */
export interface EmbeddedNode {
  readonly kind: NodeKind;
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly pid: number;
  /** Ends the node cleanly (it writes its state), killing it if it does not exit in time. */
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** Where the node keeps its chain; created if missing. */
  readonly stateDir: string;
  readonly port: number;
  readonly chainId: number;
  /** Funds the node's accounts; the dev chain's keys derive from it. */
  readonly mnemonic: string;
  readonly host?: string;
  /** How long to wait for the node to answer before giving up. */
  readonly startTimeoutMs?: number;
}
