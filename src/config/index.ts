// The public surface of src/config: other layers import from here, never from files inside.
export type { BlobLocation } from './blobLocation.js';
export { institutionOf } from './institutionOf.js';
export { type Config, type ConfigOverrides, loadConfig } from './loadConfig.js';
export { institutionSecrets, type Secrets, writeFileAtomic } from './secrets.js';
