// Headers our own server adds. Pages get theirs from src/middleware.ts; files under dist/client
// (/_astro/*, /favicon.svg) are sent by the node adapter before any middleware runs, so they get
// theirs here.
import { readdirSync } from 'node:fs';

/** Static files need nothing: an SVG or a stylesheet opened on its own may not run or load anything. */
export const STATIC_FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";

/** A year; browsers only honour it on an https answer. */
const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/** Paths (top-level names in dist/client) the static file handler may answer. */
export function staticPathPrefixes(clientDir = 'dist/client') {
  return readdirSync(clientDir, { withFileTypes: true }).map((entry) => (entry.isDirectory() ? `/${entry.name}/` : `/${entry.name}`));
}

/** Sets transport and static-file headers before the request reaches the node adapter. */
export function applyBaselineHeaders(res, pathname, protocol, staticPrefixes) {
  if (protocol === 'https') res.setHeader('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY);
  if (staticPrefixes.some((prefix) => (prefix.endsWith('/') ? pathname.startsWith(prefix) : pathname === prefix))) {
    res.setHeader('Content-Security-Policy', STATIC_FILE_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
  }
}
