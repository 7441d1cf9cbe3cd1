// The public surface of src/system: other layers import from here, never from files inside.
export { startSystem, type System } from './startSystem.js';
