import type { Config } from '../../config/loadConfig.js';
import { verifyAuditChain } from '../../store/audit/verifyAuditChain.js';
import { openDatabase } from '../../store/db/openDatabase.js';
import { EXIT } from '../exitCodes.js';
import type { Output } from '../output.js';

/** `medproof audit verify`: recomputes the audit log's hash chain; exit 1 naming the first broken row. */
export async function auditVerifyCommand(config: Config, out: Output): Promise<number> {
  const db = await openDatabase(config.databaseUrl);
  try {
    const report = await verifyAuditChain(db.kysely);
    if (report.ok) {
      out.result(`audit log intact: ${report.rows} rows, hash chain verified`, report);
      return EXIT.OK;
    }
    out.result(
      `audit log BROKEN at row ${report.firstBroken!.seq}: ${report.firstBroken!.reason} (${report.rows} rows before it verify)`,
      report,
    );
    return EXIT.INVALID;
  } finally {
    await db.close();
  }
}
