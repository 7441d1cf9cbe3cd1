import type { IssuerSignature } from '../../core/index.js';
import type { Executor } from '../db/Db.js';

/** The doctor's stored passkey assertion over a document's leaf (what its receipt carries); undefined when unsigned. */
export async function issueSignatureOf(
  db: Executor,
  documentId: string,
): Promise<IssuerSignature | undefined> {
  const row = await db
    .selectFrom('document_signatures')
    .select('assertion')
    .where('document_id', '=', documentId)
    .where('purpose', '=', 'issue')
    .executeTakeFirst();
  if (!row?.assertion) return undefined;
  const a = JSON.parse(row.assertion) as IssuerSignature;
  return {
    credentialId: a.credentialId,
    authenticatorData: a.authenticatorData,
    clientDataJSON: a.clientDataJSON,
    signature: a.signature,
  };
}
