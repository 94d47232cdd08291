/**
 * Every request passes here: refuse cross-site writes and oversized bodies, identify the visitor,
 * and add security headers. No authorization by path: pages and actions guard themselves.
 */
import { defineMiddleware } from 'astro:middleware';
import { applySecurityHeaders, isSameOriginRequest } from './server/http';
import { REQUEST_BODY_MAX } from './lib/limits';
import { identifyUser } from './server/auth/session';
import { BUSY_RETRY_AFTER_SECONDS, isDatabaseBusy } from './server/errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function plainResponse(status: number, message: string): Response {
  return new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

export const onRequest = defineMiddleware(async (context, next) => {
  const { request, url } = context;
  let response: Response;
  if (!SAFE_METHODS.has(request.method) && !isSameOriginRequest(request, url)) {
    // The one origin check (Astro's checkOrigin is off: it covers only form content types, answers
    // bare text, and refuses `Origin: null` without looking at Sec-Fetch-Site). The styled page
    // says nothing was saved; the rewrite renders it without running this middleware again.
    context.locals.user = null;
    context.locals.authSession = null;
    response = await next('/403');
  } else if (Number(request.headers.get('content-length') ?? '0') > REQUEST_BODY_MAX) {
    // Far above any form at its limits, so this is not a person's story: the styled page says so
    // without reading the body.
    context.locals.user = null;
    context.locals.authSession = null;
    response = await next('/413');
  } else {
    context.locals.user = null;
    context.locals.authSession = null;
    try {
      await identifyUser(context);
      response = await next();
    } catch (error) {
      // Forms answer a busy database themselves, keeping what was typed; this covers the rest.
      if (!isDatabaseBusy(error)) throw error;
      response = plainResponse(503, 'The site is busy with maintenance for a moment. Please try again in a few seconds.');
    }
    if (response.status === 503 && !response.headers.has('retry-after')) {
      response = new Response(response.body, response);
      response.headers.set('Retry-After', String(BUSY_RETRY_AFTER_SECONDS));
    }
  }
  // Responses from redirects can be immutable; copy when needed.
  try {
    applySecurityHeaders(response.headers, url.pathname);
  } catch {
    response = new Response(response.body, response);
    applySecurityHeaders(response.headers, url.pathname);
  }
  return response;
});
