/**
 * The only module that touches lucia, so it can be swapped later. Sessions live in SQLite through
 * drizzle; the session id is the SHA-256 of the token the cookie carries, so a copy of the
 * database cannot be replayed as a login.
 */
import { Lucia, TimeSpan } from 'lucia';
import { DrizzleSQLiteAdapter } from '@lucia-auth/adapter-drizzle';
import { authSessions, users } from '../../../db/schema';
import type { Db } from '../db';

/** Sliding expiry: each use in the second half of the window extends it to 30 days again. */
export const SESSION_SLIDING_DAYS = 30;

function createLucia(db: Db) {
  return new Lucia(new DrizzleSQLiteAdapter(db, authSessions, users), {
    sessionExpiresIn: new TimeSpan(SESSION_SLIDING_DAYS, 'd'),
    getSessionAttributes: (attributes) => ({ createdAt: attributes.createdAt }),
    getUserAttributes: (attributes) => ({ username: attributes.username, role: attributes.role }),
  });
}

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseSessionAttributes: { createdAt: number };
    DatabaseUserAttributes: { username: string; role: 'member' | 'moderator' };
  }
}

const instances = new WeakMap<Db, ReturnType<typeof createLucia>>();

/** The lucia instance bound to a database (tests use several databases in one process). */
export function luciaFor(db: Db) {
  let lucia = instances.get(db);
  if (!lucia) {
    lucia = createLucia(db);
    instances.set(db, lucia);
  }
  return lucia;
}
