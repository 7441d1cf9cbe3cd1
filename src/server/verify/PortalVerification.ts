import type { AnyReceipt, Verification } from '../../core/index.js';

/** A verification answer with the receipt it was checked against (when there is one). */
export type PortalVerification = Verification & { receipt: AnyReceipt | null };
