/** Request and response helpers shared by the middleware and actions. */
import { REQUEST_BODY_MAX } from '../lib/limits';
import { ServiceError } from './errors';
import { looksLikeToken } from './crypto';

const formsRead = new WeakMap<Request, Promise<FormData>>();

/**
 * Reads a form body with a hard size cap, whatever Content-Length claims (a chunked body has
 * none), so an oversized post is a 413 with a message rather than memory spent on it. A body can
 * be read only once: later calls for the same request get the same form (or the same refusal), so
 * a page may look at which form was sent before its action reads it.
 */
export function readForm(request: Request, maxBytes: number = REQUEST_BODY_MAX): Promise<FormData> {
  let read = formsRead.get(request);
  if (!read) {
    read = readFormOnce(request, maxBytes);
    formsRead.set(request, read);
  }
  return read;
}

async function readFormOnce(request: Request, maxBytes: number): Promise<FormData> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  }
  const contentType = request.headers.get('content-type') ?? '';
  const body = Buffer.concat(chunks);
  if (contentType.startsWith('application/x-www-form-urlencoded') || contentType === '') {
    const form = new FormData();
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) form.append(key, value);
    return form;
  }
  if (contentType.startsWith('multipart/form-data')) {
    try {
      return await new Response(body, { headers: { 'content-type': contentType } }).formData();
    } catch {
      throw new ServiceError('invalid', 'The form could not be read. Please try again.');
    }
  }
  throw new ServiceError('invalid', 'Send this form as a normal web form.');
}

function tooLarge(maxBytes: number): ServiceError {
  return new ServiceError('too_large', `That was more than ${Math.round(maxBytes / 1024)} KB. Please shorten it.`);
}

/** A string field from a form, '' when missing. */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/**
 * The hidden field carrying a form's one-time token: issued with the form, kept through previews
 * and field errors, so the same form sent twice lands once (see findStoryBySubmission, addComment).
 */
export const SUBMISSION_FIELD = 'submission';

/** The form's one-time token when it has the right shape, else null (then nothing is deduplicated). */
export function submissionTokenIn(form: FormData): string | null {
  const value = formText(form, SUBMISSION_FIELD);
  return looksLikeToken(value) ? value : null;
}

/** A positive integer id from a form or URL, or null. */
export function parseId(value: string | null | undefined): number | null {
  if (!value || !/^\d{1,12}$/.test(value)) return null;
  const id = Number(value);
  return id > 0 ? id : null;
}

/**
 * Security headers for every response. No inline scripts or styles are emitted, so the policy can
 * stay strict; images only from us (remote images would leak readers' addresses).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function applySecurityHeaders(headers: Headers, pathname: string): void {
  headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('X-Frame-Options', 'DENY');
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
  if (pathname.startsWith('/manage/')) {
    // The private token is in the URL: never send it onward, never keep the page in a cache.
    // 'strict-origin' sends only our origin as the referrer (so no request, not even to our own
    // server or a proxy's access log, carries the token), yet keeps a real Origin on the page's own
    // form posts; with 'no-referrer' browsers send `Origin: null` there (issue 9).
    headers.set('Referrer-Policy', 'strict-origin');
    headers.set('Cache-Control', 'no-store');
  } else if (!headers.has('Referrer-Policy')) {
    // A page may ask for a stricter one (the story page right after posting shows the manage link).
    headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  }
}

/**
 * Whether a state-changing request comes from our own pages. Browsers send Origin on every POST,
 * but it is `null` when the page's referrer policy is no-referrer (or the origin is opaque); when
 * it is missing or null we fall back to Sec-Fetch-Site (which a page cannot forge), and refuse
 * when neither vouches for us.
 */
export function isSameOriginRequest(request: Request, url: URL): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null && origin !== 'null') return origin === url.origin;
  return request.headers.get('sec-fetch-site') === 'same-origin';
}
