/** An expected outcome: either a value, or a stable code with a message a person can read. */
export type Result<T, C extends string = string> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: C; readonly message: string };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export const fail = <C extends string>(
  code: C,
  message: string,
): { ok: false; code: C; message: string } => ({
  ok: false,
  code,
  message,
});
