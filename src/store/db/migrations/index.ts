import type { Migration } from 'kysely';
import type { Dialect } from '../Db.js';
import { up0001 } from './0001_anchoring.js';
import { up0002 } from './0002_portal.js';
import { up0003 } from './0003_chain_ops_txs.js';
import { up0004 } from './0004_accounts.js';
import { up0005 } from './0005_finality.js';
import { up0006 } from './0006_idempotency.js';
import { up0007 } from './0007_issuer_profiles.js';
import { up0008 } from './0008_audit_anchors.js';
import { up0009 } from './0009_passkeys_second_factor.js';
import { up0010 } from './0010_patient_proof_outbox.js';
import { up0011 } from './0011_stamps.js';
import { up0012 } from './0012_replicas_lease.js';
import { up0013 } from './0013_issuer_signatures.js';
import { up0014 } from './0014_session_step_up.js';
import { up0017 } from './0017_doctor_usage.js';

/** Migrations in order. Never edit a published one: add the next. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_anchoring': { up: up0001(dialect) },
    '0002_portal': { up: up0002(dialect) },
    '0003_chain_ops_txs': { up: up0003(dialect) },
    '0004_accounts': { up: up0004() },
    '0005_finality': { up: up0005() },
    '0006_idempotency': { up: up0006() },
    '0007_issuer_profiles': { up: up0007() },
    '0008_audit_anchors': { up: up0008() },
    '0009_passkeys_second_factor': { up: up0009() },
    '0010_patient_proof_outbox': { up: up0010() },
    '0011_stamps': { up: up0011() },
    '0012_replicas_lease': { up: up0012() },
    '0013_issuer_signatures': { up: up0013(dialect) },
    '0014_session_step_up': { up: up0014() },
    '0017_doctor_usage': { up: up0017() },
  };
}
