import { describe, expect, it } from 'vitest';
import type { Hex } from 'viem';
import { enqueueLeaves, queuedLeaves } from '../../src/store/anchorQueue/anchorQueue.js';
import { DB_KINDS, testDatabase } from '../helpers/databases.js';

const ISSUER_A = `0x${'Ab'.repeat(20)}`;
const ISSUER_B = `0x${'cD'.repeat(20)}`;
const leaf = (n: number): Hex => `0x${n.toString(16).padStart(64, '0')}`;

describe.each(DB_KINDS)('the queue on %s while a doctor is being enrolled', (kind) => {
  it('leaves only that doctor’s documents queued, and never a leaf without a document', async () => {
    const t = await testDatabase(kind);
    const db = t.db;
    try {
      const k = db.kysely;
      const user = (id: string, role: 'doctor' | 'patient') => ({
        id,
        email: `${id}@hold.test`,
        password_hash: 'x',
        role,
        name: id,
        status: 'active' as const,
        created_at: 1,
        updated_at: 1,
      });
      await k
        .insertInto('users')
        .values([user('dr-a', 'doctor'), user('dr-b', 'doctor'), user('pat', 'patient')])
        .execute();
      await k
        .insertInto('doctors')
        .values([
          { user_id: 'dr-a', registration_number: 'A', issuer_address: ISSUER_A },
          { user_id: 'dr-b', registration_number: 'B', issuer_address: ISSUER_B },
        ])
        .execute();
      const doc = (i: number, issuer: string, issuerAddress: string) => ({
        id: `doc-${i}`,
        patient_id: 'pat',
        issuer_id: issuer,
        request_id: null,
        doc_type: 'report',
        title: 't',
        file_name: 'f.pdf',
        mime_type: 'application/pdf',
        size: 1,
        doc_hash: leaf(1000 + i),
        salt: '0x00',
        patient_ref: '0x00',
        issuer_address: issuerAddress,
        issued_at: 1,
        leaf: leaf(i),
        blob_key: null,
        wrapped_key: null,
        status: 'active' as const,
        revoked_at: null,
        revoke_reason: null,
        created_at: i,
        held_ref: null,
      });
      await k
        .insertInto('documents')
        .values([doc(1, 'dr-a', ISSUER_A), doc(2, 'dr-b', ISSUER_B), doc(3, 'dr-a', ISSUER_A)])
        .execute();
      // Leaf 4 has no document (an audit head): never held.
      await enqueueLeaves(k, [leaf(1), leaf(2), leaf(3), leaf(4)], 10);

      const held = await queuedLeaves(k, 10, [ISSUER_A.toLowerCase()]);
      expect(held.leaves.sort()).toEqual([leaf(2), leaf(4)]);
      const none = await queuedLeaves(k, 10);
      expect(none.leaves.sort()).toEqual([leaf(1), leaf(2), leaf(3), leaf(4)]);
    } finally {
      await t.cleanup();
    }
  });
});
