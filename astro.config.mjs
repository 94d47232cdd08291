// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

// Astro fixes its trusted host names when the site is built; ours are set when the server starts
// (SITE_URL, SITE_HOSTNAMES). So Astro accepts any host name over http or https here, and
// scripts/serve.mjs (scripts/lib/request-origin.mjs) replaces a Host we do not answer to, and every
// X-Forwarded-* header a client made up, before Astro sees the request. Serve with `npm run serve`.
const allowedDomains = [{ protocol: 'http' }, { protocol: 'https' }];

export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  // checkOrigin is off because src/middleware.ts checks the origin of every non-GET request itself
  // (with a Sec-Fetch-Site fallback and a styled 403 page); Astro's check would answer first, in bare text.
  security: { checkOrigin: false, allowedDomains },
  // Stylesheets as files, never inline, so the Content-Security-Policy needs no 'unsafe-inline'.
  build: { inlineStylesheets: 'never' },
  vite: {
    build: { assetsInlineLimit: 0 },
    ssr: { external: ['better-sqlite3', '@node-rs/argon2'] },
  },
  devToolbar: { enabled: false },
});
