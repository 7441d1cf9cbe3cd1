import type { Config } from '../../config/loadConfig.js';
import { createLogger } from '../../log/createLogger.js';
import { startSystem } from '../../system/startSystem.js';
import type { Output } from '../output.js';

/**
 * `medproof start`: the embedded chain node (or the configured chain), the registry (deployed on first
 * start), the database and the anchoring engine. Runs until SIGINT or SIGTERM, then stops cleanly.
 */
export async function startCommand(config: Config, out: Output): Promise<number> {
  const log = createLogger(config.logLevel);
  const system = await startSystem(config, log);
  out.event(
    [
      `medproof is running`,
      `  chain     ${system.conn.rpcUrl} (chain id ${system.conn.chainId}${system.embedded ? `, embedded ${system.embedded.kind}` : ''})`,
      `  registry  ${system.registry}`,
      `  anchorer  ${system.anchorer.address}`,
      `  database  ${system.db.describe}`,
      `  data      ${config.dataDir}`,
      `press Ctrl-C to stop`,
    ],
    {
      status: 'running',
      rpcUrl: system.conn.rpcUrl,
      chainId: system.conn.chainId,
      registry: system.registry,
      anchorer: system.anchorer.address,
      node: system.embedded?.kind ?? null,
      database: system.db.describe,
      dataDir: config.dataDir,
    },
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await system.stop();
  out.event('medproof stopped', { status: 'stopped' });
  return 0;
}
