import type { Config } from '../../config/loadConfig.js';
import { createLogger } from '../../log/createLogger.js';
import { startSystem } from '../../system/startSystem.js';
import type { Output } from '../output.js';

/**
 * `medproof start`: the embedded chain node (or the configured chain), the registry (deployed on first
 * start), the database, the anchoring engine and the portal. Runs until SIGINT or SIGTERM, then stops
 * taking requests, lets those in flight finish, and stops cleanly.
 */
export async function startCommand(config: Config, out: Output): Promise<number> {
  const log = createLogger(config.logLevel);
  const system = await startSystem(config, log);
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
