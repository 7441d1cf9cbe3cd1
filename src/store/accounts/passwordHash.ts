import { hash, verify, type Algorithm } from '@node-rs/argon2';

// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
// (Algorithm is a const enum, which isolated modules cannot read: 2 is Argon2id.)
const ARGON2 = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

/** Constant work whether or not the account exists: unknown users are checked against this hash. */
let dummy: Promise<string> | undefined;
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  const target = stored ?? (await (dummy ??= hash('medproof-dummy-password', ARGON2)));
  try {
    return (await verify(target, password)) && stored !== undefined;
  } catch {
    return false;
  }
}
