// The public surface of src/server: other layers import from here, never from files inside.
export { type AppOptions, buildApp } from './app.js';
export { setupTokenIfNeeded } from './auth/setupToken.js';
export { logMailer, type Mailer, smtpMailer } from './notify/Mailer.js';
export { NotificationWorker } from './notify/NotificationWorker.js';
export { logSmsProvider, type SmsProvider } from './notify/SmsProvider.js';
export type { PortalVerification } from './verify/PortalVerification.js';
export { TtlCache } from './verify/TtlCache.js';
