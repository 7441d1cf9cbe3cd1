import type { IssuerProfile } from '../../core/index.js';
import type { Executor } from '../db/Db.js';
import { storedIssuerProfile } from './issuerProfileFor.js';

/** The public issuer profile (with its salt) a doctor's registry v2 terms commit to; undefined if none is stored. */
export async function issuerProfileOf(db: Executor, doctorId: string): Promise<IssuerProfile | undefined> {
  const row = await db
    .selectFrom('doctors')
    .select('issuer_profile')
    .where('user_id', '=', doctorId)
    .executeTakeFirst();
  return storedIssuerProfile(row?.issuer_profile ?? null);
}
