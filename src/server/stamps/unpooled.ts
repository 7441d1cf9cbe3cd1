/**
 * The bytes in an ArrayBuffer of their own. pdf-lib reads images through `new DataView(bytes.buffer)`,
 * ignoring `byteOffset`, so a small Node Buffer (a slice of the shared pool) reads as garbage there
 * ("SOI not found in JPEG"). Copies only when the view does not start its buffer.
 */
export function unpooled(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : new Uint8Array(bytes);
}
