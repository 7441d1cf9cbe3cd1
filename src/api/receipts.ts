import { Type } from '@sinclair/typebox';
import { ReceiptSchema, ReceiptV2Schema } from '../core/index.js';

/**
 * A receipt of either version, as the portal hands it out: v2 on a registry v2 (issuer profile and
 * institution included), v1 on an older registry. Both schemas are registered by the app.
 */
export const AnyReceiptRef = Type.Union([Type.Ref(ReceiptSchema), Type.Ref(ReceiptV2Schema)]);
