// Who is asking and which address they asked for, decided by our own server before Astro sees the
// request. Astro's allowed host names are fixed when the site is built; reading them here lets the
// public address be set when the server starts (SITE_URL, SITE_HOSTNAMES), and lets TRUST_PROXY
// name how many proxies append to X-Forwarded-For.

const LOCAL_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];

/** A start-up setting that cannot work; the server prints the message and exits. */
export class SettingError extends Error {}

function parseSiteUrl(value) {
  if (!value) return null;
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new SettingError(`SITE_URL="${value}" is not an address. Use the full public address, e.g. SITE_URL=https://stories.example.org`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SettingError(`SITE_URL must start with https:// or http:// (got "${value}").`);
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new SettingError(`SITE_URL must be the site's root address without a path, e.g. ${url.origin} (got "${value}").`);
  }
  return url;
}

function parseTrustedProxies(value) {
  if (value === undefined || value === '' || value === '0' || value === 'off' || value === 'false') return 0;
  if (/^[1-9]\d?$/.test(value)) return Number(value);
  throw new SettingError(`TRUST_PROXY="${value}" should be the number of reverse proxies in front of the site (1 for one nginx), or 0.`);
}

/** Host name (lower case, IPv6 in brackets) of a Host header value, without its port. */
export function hostnameOf(hostHeader) {
  const value = String(hostHeader).trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  return value.split(':')[0];
}

/** The run-time address settings, read once at start. Throws SettingError for a setting that cannot work. */
export function readSiteSettings(env = process.env) {
  const siteUrl = parseSiteUrl(env.SITE_URL?.trim());
  const hostnames = new Set(LOCAL_HOSTNAMES);
  if (siteUrl) hostnames.add(siteUrl.hostname.toLowerCase());
  for (const name of (env.SITE_HOSTNAMES ?? '').split(',')) {
    if (name.trim()) hostnames.add(hostnameOf(name));
  }
  const listenHost = env.HOST ?? 'localhost';
  if (listenHost !== '0.0.0.0' && listenHost !== '::') {
    hostnames.add(listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost.toLowerCase()}]` : listenHost.toLowerCase());
  }
  return {
    siteUrl,
    hostnames,
    /** Used when a request names a host we do not answer to, so no link ever carries a stranger's name. */
    fallbackHost: siteUrl ? siteUrl.host : 'localhost',
    trustedProxies: parseTrustedProxies(env.TRUST_PROXY?.trim()),
  };
}

function listValues(header) {
  if (header === undefined) return [];
  const joined = Array.isArray(header) ? header.join(',') : String(header);
  return joined
    .split(',')
    .map((value) => value.trim())
    .filter(Boolean);
}

/**
 * The entry our outermost trusted proxy wrote. Each trusted proxy appends what it saw (nginx's
 * $proxy_add_x_forwarded_for), so that entry sits `trustedProxies` places from the right; anything
 * further left was sent by the client and proves nothing.
 */
export function trustedForwardedValue(header, trustedProxies) {
  const values = listValues(header);
  if (trustedProxies < 1 || values.length === 0) return undefined;
  return values[Math.max(0, values.length - trustedProxies)];
}

/**
 * Host, protocol and client address for one request. Host is the Host header (or a trusted
 * X-Forwarded-Host) when it names an address this site answers to, else the fallback host.
 */
export function resolveRequestOrigin(headers, socketAddress, settings) {
  const hops = settings.trustedProxies;
  const forwardedHost = trustedForwardedValue(headers['x-forwarded-host'], hops);
  const askedHost = forwardedHost ?? headers.host ?? '';
  const host = askedHost && settings.hostnames.has(hostnameOf(askedHost)) ? askedHost.trim().toLowerCase() : settings.fallbackHost;

  const forwardedProtocol = trustedForwardedValue(headers['x-forwarded-proto'], hops)?.toLowerCase();
  let protocol = 'http';
  if (forwardedProtocol === 'https' || forwardedProtocol === 'http') protocol = forwardedProtocol;
  else if (settings.siteUrl && host === settings.siteUrl.host) protocol = settings.siteUrl.protocol.slice(0, -1);

  const clientAddress = trustedForwardedValue(headers['x-forwarded-for'], hops) ?? socketAddress;
  return { host, protocol, clientAddress };
}

/**
 * Rewrites the request headers so Astro (which trusts any host name and the first X-Forwarded-*
 * value, see astro.config.mjs) sees exactly what we decided, and nothing a client made up.
 */
export function applyRequestOrigin(req, settings) {
  const origin = resolveRequestOrigin(req.headers, req.socket.remoteAddress, settings);
  req.headers.host = origin.host;
  req.headers['x-forwarded-proto'] = origin.protocol;
  delete req.headers['x-forwarded-host'];
  delete req.headers['x-forwarded-port'];
  if (settings.trustedProxies > 0 && origin.clientAddress) req.headers['x-forwarded-for'] = origin.clientAddress;
  else delete req.headers['x-forwarded-for'];
  return origin;
}

/** The start-up lines about addresses. */
export function describeAddresses(settings) {
  const hops = settings.trustedProxies;
  return [
    `Public address: ${settings.siteUrl ? settings.siteUrl.origin : 'not set (SITE_URL); links name the host each request asked for'}`,
    `Answers to host names: ${[...settings.hostnames].join(', ')}`,
    hops
      ? `Trusted proxies: ${hops} (client address = the X-Forwarded-For entry ${hops === 1 ? 'the proxy' : `the proxy ${hops} hops out`} appended)`
      : 'Trusted proxies: none (X-Forwarded-* headers are ignored; TRUST_PROXY=1 behind nginx)',
  ];
}
