import type { Hex } from 'viem';

/** What carrying out an operation takes now: a registry call, waiting (a leaf not anchored yet), or nothing possible. */
export type OpCall =
  | { readonly kind: 'call'; readonly data: Hex }
  | { readonly kind: 'wait'; readonly message: string }
  | { readonly kind: 'reject'; readonly message: string };
