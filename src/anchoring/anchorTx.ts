import {
  encodeFunctionData,
  keccak256,
  parseTransaction,
  TransactionReceiptNotFoundError,
  type Address,
  type Hex,
  type LocalAccount,
  type TransactionReceipt,
  type TransactionSerializable,
} from 'viem';
import { getLogs } from 'viem/actions';
import { registryAbi, type ChainConnection } from '../chain/index.js';
import type { SignedTx } from '../store/index.js';

/**
 * Signs `anchor(root, leafCount)` at the account's next nonce. The gas estimate also fails early, with
 * the contract's decoded error, if the anchor would revert.
 */
export function signAnchorTx(
  conn: ChainConnection,
  account: LocalAccount,
  registry: Address,
  root: Hex,
  leafCount: number,
): Promise<SignedTx> {
  const data = encodeFunctionData({ abi: registryAbi, functionName: 'anchor', args: [root, leafCount] });
  return signCallTx(conn, account, registry, data);
}

/**
 * Signs a call of `to` with `data` at the account's next nonce, for storing before it is broadcast.
 * Nonce, fees and gas are asked in parallel (one round trip's latency, not three); the gas estimate
 * fails early, with the contract's revert, if the call would revert.
 */
export async function signCallTx(
  conn: ChainConnection,
  account: LocalAccount,
  to: Address,
  data: Hex,
): Promise<SignedTx> {
  const [nonce, fees, gas] = await Promise.all([
    conn.client.getTransactionCount({ address: account.address, blockTag: 'pending' }),
    feesOf(conn),
    conn.client.estimateGas({ account, to, data }),
  ]);
  // 20% headroom: state can change between estimate and inclusion (e.g. the first anchor of a block).
  const base = { chainId: conn.chainId, nonce, to, data, gas: (gas * 120n) / 100n } as const;
  const tx: TransactionSerializable =
    fees.type === 'eip1559'
      ? {
          ...base,
          type: 'eip1559',
          maxFeePerGas: fees.maxFeePerGas,
          maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
        }
      : { ...base, type: 'legacy', gasPrice: fees.gasPrice };
  return sign(account, tx, nonce);
}

type Fees =
  | { type: 'eip1559'; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint }
  | { type: 'legacy'; gasPrice: bigint };

/** EIP-1559 fees where the chain has a base fee; a plain gas price elsewhere (e.g. a free-gas Besu network). */
async function feesOf(conn: ChainConnection): Promise<Fees> {
  try {
    const f = await conn.client.estimateFeesPerGas();
    return { type: 'eip1559', maxFeePerGas: f.maxFeePerGas, maxPriorityFeePerGas: f.maxPriorityFeePerGas };
  } catch {
    return { type: 'legacy', gasPrice: await conn.client.getGasPrice() };
  }
}

/**
 * The same transaction at the same nonce, paying at least 25% more (what nodes require to replace a
 * pending one), or the network's current price if that is higher.
 */
export async function signReplacement(
  conn: ChainConnection,
  account: LocalAccount,
  previousRaw: Hex,
): Promise<SignedTx> {
  const prev = parseTransaction(previousRaw);
  const bump = (v: bigint | undefined) => ((v ?? 0n) * 125n) / 100n + 1n;
  const nonce = prev.nonce ?? 0;
  const base = {
    chainId: conn.chainId,
    nonce,
    to: prev.to ?? null,
    data: prev.data ?? '0x',
    gas: prev.gas,
  } as const;
  let tx: TransactionSerializable;
  if (prev.type === 'eip1559') {
    const fees = await conn.client
      .estimateFeesPerGas()
      .catch(() => ({ maxFeePerGas: 0n, maxPriorityFeePerGas: 0n }));
    const maxPriorityFeePerGas = max(bump(prev.maxPriorityFeePerGas), fees.maxPriorityFeePerGas ?? 0n);
    const maxFeePerGas = max(bump(prev.maxFeePerGas), fees.maxFeePerGas ?? 0n, maxPriorityFeePerGas);
    tx = { ...base, type: 'eip1559', maxFeePerGas, maxPriorityFeePerGas };
  } else {
    const price = await conn.client.getGasPrice().catch(() => 0n);
    tx = { ...base, type: 'legacy', gasPrice: max(bump(prev.gasPrice), price) };
  }
  return sign(account, tx, nonce);
}

async function sign(account: LocalAccount, tx: TransactionSerializable, nonce: number): Promise<SignedTx> {
  if (!account.signTransaction) throw new Error('the sending account cannot sign transactions locally');
  const raw = await account.signTransaction(tx);
  const fee =
    'maxFeePerGas' in tx && tx.maxFeePerGas !== undefined
      ? tx.maxFeePerGas
      : ((tx as { gasPrice?: bigint }).gasPrice ?? 0n);
  const tip =
    'maxPriorityFeePerGas' in tx && tx.maxPriorityFeePerGas !== undefined ? tx.maxPriorityFeePerGas : fee;
  return { hash: keccak256(raw), raw, nonce, fee, tip };
}

const max = (...v: bigint[]) => v.reduce((a, b) => (a > b ? a : b));

/** The receipt, or undefined while the transaction is unknown or pending. */
export async function receiptOf(conn: ChainConnection, hash: Hex): Promise<TransactionReceipt | undefined> {
  try {
    return await conn.client.getTransactionReceipt({ hash });
  } catch (error) {
    if (error instanceof TransactionReceiptNotFoundError) return undefined;
    throw error;
  }
}

const anchoredEvent = registryAbi.find((x) => x.type === 'event' && x.name === 'Anchored')!;

/** The transaction that anchored `root` in `blockNumber`, found by its event: for anchors we did not send, or lost track of. */
export async function findAnchorTx(
  conn: ChainConnection,
  registry: Address,
  root: Hex,
  blockNumber: number,
): Promise<Hex | null> {
  const logs = await getLogs(conn.client, {
    address: registry,
    event: anchoredEvent,
    args: { root },
    fromBlock: BigInt(blockNumber),
    toBlock: BigInt(blockNumber),
  });
  return logs[0]?.transactionHash ?? null;
}
