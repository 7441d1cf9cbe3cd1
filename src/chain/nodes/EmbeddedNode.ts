export type NodeKind = 'anvil' | 'ganache';
export const NODE_KINDS: readonly NodeKind[] = ['anvil', 'ganache'];

/** A local chain node this process started; `stop()` ends it on every exit path. */
export interface EmbeddedNode {
  readonly kind: NodeKind;
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly pid: number;
  /** Resolves when the node process has exited, for any reason (its exit code, null if by a signal). */
  readonly exited: Promise<number | null>;
  /** Ends the node cleanly (it writes its state), killing it if it does not exit in time. */
  stop(): Promise<void>;
}

export interface LaunchOptions {
  /** Where the node keeps its chain; created if missing. */
  readonly stateDir: string;
  readonly port: number;
  readonly chainId: number;
  readonly host?: string;
  /** How long to wait for the node to answer before giving up. */
  readonly startTimeoutMs?: number;
}
