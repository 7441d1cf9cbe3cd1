/**
 * An ECDSA signature as WebAuthn gives it (DER `SEQUENCE { INTEGER r, INTEGER s }`) in the fixed-width
 * `r ‖ s` form WebCrypto verifies; undefined when it is not well-formed DER for `size`-byte integers.
 */
export function derToRaw(der: Uint8Array, size = 32): Uint8Array | undefined {
  if (der.length < 8 || der[0] !== 0x30) return undefined;
  let at = 2;
  if (der[1]! & 0x80) {
    if (der[1] !== 0x81) return undefined;
    at = 3;
  }
  const out = new Uint8Array(size * 2);
  for (let part = 0; part < 2; part++) {
    if (der[at] !== 0x02) return undefined;
    const len = der[at + 1];
    if (len === undefined || len < 1 || at + 2 + len > der.length) return undefined;
    let int = der.subarray(at + 2, at + 2 + len);
    // A leading zero keeps a high bit from reading as negative; it is not part of the value.
    while (int.length > size && int[0] === 0) int = int.subarray(1);
    if (int.length > size) return undefined;
    out.set(int, part * size + (size - int.length));
    at += 2 + len;
  }
  return at === der.length ? out : undefined;
}
