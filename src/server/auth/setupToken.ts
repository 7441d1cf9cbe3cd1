import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../../store/index.js';

/** While no admin exists: a fresh one-time token (24 h) for creating the first admin, printed at start. */
export async function setupTokenIfNeeded(db: Executor, now = Date.now()): Promise<string | undefined> {
  const admin = await db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirst();
  if (admin) return undefined;
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('setup_tokens')
    .values({
      token_hash: createHash('sha256').update(token).digest('hex'),
      expires_at: now + 86_400_000,
      used_at: null,
    })
    .execute();
  return token;
}
