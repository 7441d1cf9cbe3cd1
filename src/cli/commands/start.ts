import type { Config } from '../../config/index.js';
import { createLogger } from '../../log/index.js';
import { startSystem, type System } from '../../system/index.js';
import { EXIT } from '../exitCodes.js';
import type { Output } from '../output.js';

/** How long a crashed process gives the system to stop cleanly before it exits anyway. */
const CRASH_STOP_MS = 15_000;

/**
 * `medproof start`: the embedded chain node (or the configured chain), the registry (deployed on first
 * start), the database, the anchoring engine and the portal. Runs until SIGINT or SIGTERM, then stops
 * taking requests, lets those in flight finish, and stops cleanly. The node it owns is restarted when it
 * dies; when that cannot go on (NODE_DIED) or the process hits an error nothing caught, it stops
 * everything and exits non-zero, so a service manager restarts the whole system with no node left behind.
 */
export async function startCommand(config: Config, out: Output): Promise<number> {
  const log = createLogger(config.logLevel);
  // Installed before anything starts: a signal during start is honoured once start is done (the node
  // is then stopped like on any stop), instead of killing this process and leaving the node running.
  let requestStop!: (signal: string) => void;
  const stopRequested = new Promise<string>((resolve) => (requestStop = resolve));
  const onSigint = () => requestStop('SIGINT');
  const onSigterm = () => requestStop('SIGTERM');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  let system: System | undefined;
  let crashed = false;
  // A bug's exception or rejection nobody caught (a database client's 'error' event, say): the state of
  // the process is unknown, so stop what can be stopped, bounded, and exit. The chain's own exit hook
  // stops the node even if this never gets that far.
  const onCrash = (error: unknown) => {
    if (crashed) return;
    crashed = true;
    log.fatal({ err: error }, 'unexpected error; stopping');
    const exit = () => process.exit(out.error(error) || EXIT.ERROR);
    setTimeout(exit, CRASH_STOP_MS).unref();
    void (system?.stop() ?? Promise.resolve()).catch(() => undefined).finally(exit);
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const removeHandlers = () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };

  try {
    system = await startSystem(config, log);
  } catch (error) {
    removeHandlers();
    throw error;
  }
  const setupUrl = system.setupToken ? `${config.publicUrl}/setup#token=${system.setupToken}` : null;
  out.event(
    [
      `medproof is running`,
      `  portal    ${system.url}${config.publicUrl !== system.url ? ` (public: ${config.publicUrl})` : ''}`,
      `  chain     ${system.conn.rpcUrl} (chain id ${system.conn.chainId}${system.embedded ? `, embedded ${system.embedded.kind}` : ''})`,
      `  registry  ${system.registry}`,
      `  anchorer  ${system.anchorer.address}`,
      `  database  ${system.db.describe}`,
      `  data      ${config.dataDir}`,
      ...(setupUrl
        ? [
            '',
            `first start: create the admin account at`,
            `  ${setupUrl}`,
            `(or: medproof user add --role admin --email you@example.org)`,
          ]
        : []),
      `press Ctrl-C to stop`,
    ],
    {
      status: 'running',
      url: system.url,
      publicUrl: config.publicUrl,
      rpcUrl: system.conn.rpcUrl,
      chainId: system.conn.chainId,
      registry: system.registry,
      anchorer: system.anchorer.address,
      node: system.embedded?.kind ?? null,
      database: system.db.describe,
      dataDir: config.dataDir,
      setupToken: system.setupToken ?? null,
    },
  );
  const why = await Promise.race([
    stopRequested.then((signal) => ({ signal, failure: undefined })),
    system.failed.then((failure) => ({ signal: undefined, failure })),
  ]);
  log.info({ signal: why.signal, code: why.failure?.code }, 'stopping');
  await system.stop();
  removeHandlers();
  if (why.failure) throw why.failure;
  out.event('medproof stopped', { status: 'stopped' });
  return 0;
}
