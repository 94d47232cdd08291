/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** The logged-in account, if any (issue: optional accounts). */
    user: { id: string; username: string; role: 'member' | 'moderator' } | null;
    /** Our login session (not Astro's own `session`). */
    authSession: { id: string; expiresAt: Date; fresh: boolean } | null;
  }
}
