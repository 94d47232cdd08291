/** GET /robots.txt: private pages stay out of search engines; the sitemap is announced. */
import type { APIRoute } from 'astro';

export const GET: APIRoute = ({ url }) =>
  new Response(
    ['User-agent: *', 'Disallow: /manage/', 'Disallow: /me', 'Disallow: /mod', 'Disallow: /search', 'Allow: /mod/log', '', `Sitemap: ${new URL('/sitemap.xml', url.origin).href}`, ''].join('\n'),
    { headers: { 'content-type': 'text/plain; charset=utf-8' } },
  );
