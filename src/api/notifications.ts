import { Type } from '@sinclair/typebox';
import { OPTIONAL_NOTIFICATION_KINDS } from '../core/index.js';

/** The optional notifications, each on (true) or off; a PUT may name only the kinds it changes. */
export const NotificationPrefsSchema = Type.Object(
  Object.fromEntries(OPTIONAL_NOTIFICATION_KINDS.map((k) => [k, Type.Optional(Type.Boolean())])),
  { additionalProperties: false },
);
