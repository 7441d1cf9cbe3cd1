import { verifyAuditLog } from '../../anchoring/index.js';
import { leanRegistryReader } from '../../io/index.js';
import type { Config } from '../../config/index.js';
import { exitCodeOf } from '../../core/index.js';
import { openDatabase } from '../../store/index.js';
import { EXIT } from '../exitCodes.js';
import type { Output } from '../output.js';

/**
 * `medproof audit verify`: recomputes the audit log's hash chain (exit 1 naming the first broken row),
 * then checks that the newest audit head anchored on chain is still in it and still on chain (exit 1
 * AUDIT_HEAD_MISMATCH / AUDIT_HEAD_NOT_ANCHORED; 2 when the chain cannot be asked). The chain is
 * `--rpc` (or MEDPROOF_RPC_URL), else the data folder's embedded node, opened only if needed.
 */
export async function auditVerifyCommand(config: Config, out: Output): Promise<number> {
  const db = await openDatabase(config.databaseUrl);
  let close: (() => Promise<void>) | undefined;
  const reader = async () => {
    if (config.rpcUrl) return leanRegistryReader(config.rpcUrl, { timeoutMs: 5000 });
    const { openChainForCommand } = await import('../openChain.js');
    const chain = await openChainForCommand(config, { create: false });
    close = () => chain.close();
    return leanRegistryReader(chain.conn.rpcUrl, { timeoutMs: 5000 });
  };
  try {
    const report = await verifyAuditLog(db.kysely, reader, { registry: config.registry });
    const head = report.anchoredHead;
    if (!head) {
      out.result(
        `audit log BROKEN at row ${report.firstBroken!.seq}: ${report.firstBroken!.reason} (${report.rows} rows before it verify)`,
        report,
      );
      return EXIT.INVALID;
    }
    if (head.status === 'ok' || head.status === 'none') {
      out.result([`audit log intact: ${report.rows} rows, hash chain verified`, `  ${head.message}`], report);
      return EXIT.OK;
    }
    out.result(
      head.status === 'failed'
        ? [
            `audit log REWRITTEN (${head.code}): ${head.message}`,
            `  the hash chain itself verifies (${report.rows} rows)`,
          ]
        : [
            `audit log: hash chain verified (${report.rows} rows), anchored head NOT checked: ${head.message}`,
          ],
      report,
    );
    return exitCodeOf(head.code);
  } finally {
    await close?.();
    await db.close();
  }
}
