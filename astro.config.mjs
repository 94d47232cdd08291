// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';

// Host names this site answers to. Astro trusts the Host header only for these (otherwise every
// URL it builds says "localhost"), which also keeps Host-header poisoning out of canonical links.
// Add your public name at build time: SITE_HOSTNAMES=stories.example.org npm run build
const allowedDomains = ['localhost', '127.0.0.1', ...(process.env.SITE_HOSTNAMES ?? '').split(',')]
  .map((hostname) => hostname.trim())
  .filter(Boolean)
  .map((hostname) => ({ hostname }));

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
