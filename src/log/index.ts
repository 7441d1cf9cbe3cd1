// The public surface of src/log: other layers import from here, never from files inside.
export { createLogger, type Logger } from './createLogger.js';
