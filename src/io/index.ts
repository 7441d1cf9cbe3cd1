// The public surface of src/io: other layers import from here, never from files inside.
export { hashFile } from './hashFile.js';
export { holdPidLock } from './holdPidLock.js';
export { leanRegistryReader } from './leanRegistryReader.js';
export { nodeTxtResolver } from './nodeTxtResolver.js';
