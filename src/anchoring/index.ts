// The public surface of src/anchoring: other layers import from here, never from files inside.
export { anchorDirect, anchorDirectV2 } from './anchorDirect.js';
export { AnchorEngine } from './AnchorEngine.js';
export { anchorPointOf } from './anchorPointOf.js';
export { AuditHeadCommitter } from './auditHead/AuditHeadCommitter.js';
export { verifyAuditLog } from './auditHead/verifyAuditLog.js';
export { backoffDelay } from './backoff.js';
export { ChainOpsWorker } from './ChainOpsWorker.js';
export { LeaderElection } from './leader/LeaderElection.js';
export { again, DurableLoop, idle, type StepOutcome } from './worker/DurableLoop.js';
