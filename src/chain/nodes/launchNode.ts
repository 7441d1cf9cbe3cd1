import type { EmbeddedNode, LaunchOptions, NodeKind } from './EmbeddedNode.js';
import { launchAnvil } from './launchAnvil.js';
import { launchGanache } from './launchGanache.js';

/** One launcher interface for both embedded nodes. */
export function launchNode(kind: NodeKind, options: LaunchOptions): Promise<EmbeddedNode> {
  return kind === 'anvil' ? launchAnvil(options) : launchGanache(options);
}

/** Each node's default chain id: anvil's and ganache's own, so tools that assume them keep working. */
export const DEFAULT_CHAIN_ID: Record<NodeKind, number> = { anvil: 31337, ganache: 1337 };
