import { hash as argon2Hash, verify as argon2Verify, type Options } from '@node-rs/argon2';

// Algorithm is a `const enum` in the typings and an empty object at runtime, so it cannot be
// imported under isolatedModules; 2 is Algorithm.Argon2id.
const ARGON2ID = 2 as NonNullable<Options['algorithm']>;

/** OWASP Password Storage Cheat Sheet minimum for argon2id: 19 MiB, 2 passes, 1 lane. */
const OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

// The same text typed on different systems can arrive in different Unicode forms (é vs e + ◌́);
// normalising before hashing makes them log in alike.
const normalize = (password: string): string => password.normalize('NFKC');

/** Hashes a password with argon2id using OWASP parameters; returns a PHC string ($argon2id$...). */
export async function hashPassword(password: string): Promise<string> {
  return argon2Hash(normalize(password), OPTIONS);
}

/** True when the password matches the hash; false (never throws) for a wrong password or malformed hash. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2Verify(hash, normalize(password));
  } catch {
    return false;
  }
}

// Computed once, lazily, so a login for an unknown user costs one full argon2id verify like a real one.
let dummyHash: Promise<string> | null = null;

/** Runs a real verify against a throwaway hash so unknown usernames take as long as known ones. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('dummy password that no account uses');
  await verifyPassword(await dummyHash, password);
  return false;
}
