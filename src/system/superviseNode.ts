import type { EmbeddedChain } from '../chain/index.js';
import { MedproofError, isMedproofError } from '../core/index.js';
import type { Logger } from '../log/index.js';

export interface SuperviseNodeOptions {
  readonly chain: EmbeddedChain;
  /**
   * Called after each restart: the workers reconcile with the node again. A kill -9 of anvil loses what
   * happened since its last state write, so anchors the database holds as done may be gone.
   */
  readonly reconcile: () => Promise<void>;
  readonly log: Logger;
  /** Restarts allowed within `windowMs`; one more death in that window ends the process (NODE_DIED). */
  readonly maxRestarts?: number;
  readonly windowMs?: number;
}

export interface NodeSupervisor {
  /** Resolves (never rejects) with NODE_DIED once the node cannot be kept running by restarts. */
  readonly failed: Promise<MedproofError>;
  /** Stops watching, after a restart under way has finished: called before the node is stopped on purpose. */
  stop(): Promise<void>;
}

export const NODE_RESTARTS = { max: 5, windowMs: 60_000 } as const;

/**
 * Keeps the embedded node `medproof start` owns running: when it exits unasked it is started again on
 * the same port and state, and the workers reconcile with it. A node that keeps dying (more than
 * `maxRestarts` in `windowMs`) or cannot be started is not fought with: `failed` resolves, and the
 * process stops and exits non-zero for its service manager (systemd, docker) to restart everything.
 */
export function superviseNode(o: SuperviseNodeOptions): NodeSupervisor {
  const max = o.maxRestarts ?? NODE_RESTARTS.max;
  const windowMs = o.windowMs ?? NODE_RESTARTS.windowMs;
  const restarts: number[] = [];
  let stopped = false;
  let diedAgain = false;
  let busy: Promise<void> | undefined;
  let fail!: (error: MedproofError) => void;
  const failed = new Promise<MedproofError>((resolve) => (fail = resolve));
  const giveUp = (error: MedproofError) => {
    stopped = true;
    off();
    o.log.error({ code: error.code }, error.message);
    fail(error);
  };

  // One restart at a time: a death while a restart is under way is counted and handled after it.
  const restartLoop = async () => {
    try {
      while (diedAgain && !stopped) {
        diedAgain = false;
        const now = Date.now();
        while (restarts.length > 0 && restarts[0]! <= now - windowMs) restarts.shift();
        if (restarts.length >= max) {
          giveUp(
            new MedproofError(
              'NODE_DIED',
              `the embedded ${o.chain.kind} node died ${max + 1} times within ${windowMs / 1000} s; stopping`,
            ),
          );
          return;
        }
        restarts.push(now);
        o.log.warn({ restart: restarts.length, of: max }, `restarting the embedded ${o.chain.kind} node`);
        try {
          await o.chain.restartNode();
        } catch (error) {
          if (diedAgain) continue; // killed again while starting: that death is counted on the next turn
          if (!isMedproofError(error, 'CHAIN_MISMATCH')) {
            giveUp(
              new MedproofError(
                'NODE_DIED',
                `the embedded ${o.chain.kind} node died and could not be restarted: ${error instanceof Error ? error.message : String(error)}`,
                { cause: error },
              ),
            );
            return;
          }
          // The node runs but lost the registry: the engine's reconciliation finds the same and pauses
          // anchoring with CHAIN_MISMATCH (uploads go on); redeploying would orphan every receipt.
          o.log.error({ code: error.code }, error.message);
        }
        if (stopped || diedAgain) continue;
        await o.reconcile();
        o.log.info({ pid: o.chain.nodePid }, `the embedded ${o.chain.kind} node is back; reconciled`);
      }
    } catch (error) {
      giveUp(
        new MedproofError('NODE_DIED', 'the workers could not be restarted after the node restarted', {
          cause: error,
        }),
      );
    }
  };

  const off = o.chain.onNodeExit((code) => {
    if (stopped) return;
    o.log.error(
      { code: 'NODE_DIED', exitCode: code },
      `the embedded ${o.chain.kind} node exited unexpectedly`,
    );
    diedAgain = true;
    busy ??= restartLoop().finally(() => (busy = undefined));
  });

  return {
    failed,
    async stop() {
      stopped = true;
      off();
      await busy;
    },
  };
}
