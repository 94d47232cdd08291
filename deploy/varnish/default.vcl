# Varnish in front of Rite of Passage (Debian: apt-get install varnish varnish-modules).
#
# Anonymous readers get pages from Varnish; anyone carrying one of our cookies (a login session,
# an anonymous author key, a reading preference) goes straight to the site, which renders their
# page and marks it `private, no-store`. The site labels every public page with surrogate keys
# (`xkey: site story-12 tag-database`) and, after each write, names the keys to drop in an
# `xkey-purge` response header, which this file acts on before the writer sees the answer: the
# writer's next read, and everyone else's, is fresh. Other caches can be purged the same way with
# `PURGE` + `xkey-purge` (set CACHE_PURGE_URLS on the site, e.g. http://127.0.0.1:6081/).
vcl 4.1;

import std;
import xkey;

backend site {
  .host = "127.0.0.1";
  .port = "4321";
  .first_byte_timeout = 30s;
  .probe = {
    .url = "/healthz";
    .interval = 5s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
  }
}

# Who may send PURGE: the machine itself (the site runs beside Varnish).
acl purgers {
  "127.0.0.1";
  "::1";
}

sub vcl_recv {
  if (req.method == "PURGE") {
    if (client.ip !~ purgers) {
      return (synth(403, "Forbidden"));
    }
    if (req.http.xkey-purge) {
      set req.http.n-gone = xkey.purge(req.http.xkey-purge);
      return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }
    return (purge);
  }
  # Never trust these from outside: only the site names what to purge.
  unset req.http.xkey-purge;

  if (req.method != "GET" && req.method != "HEAD") {
    return (pass);
  }
  # Our cookies make a page personal: session, __Host-session, rop_* (author key, preferences,
  # the new-story notice) and Astro's form results. Other cookies (set by nothing of ours) are
  # dropped so they do not split the cache.
  if (req.http.Cookie ~ "(^|;\s*)(session|__Host-session|rop_[A-Za-z_]+|_astro[A-Za-z_]*)=") {
    return (pass);
  }
  unset req.http.Cookie;

  # Grace: while the site is healthy, serve a page at most 30 s past its lifetime (refreshing it in
  # the background); while it is down, keep serving what we have.
  if (std.healthy(req.backend_hint)) {
    set req.grace = 30s;
  }
  return (hash);
}

sub vcl_backend_response {
  # The site says how long (s-maxage); pages that become stale at a scheduled publication come
  # without stale-while-revalidate and get no grace, so the story appears on time.
  if (beresp.http.Cache-Control ~ "stale-while-revalidate") {
    set beresp.grace = 6h;
  } else {
    set beresp.grace = 0s;
  }
  if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "private|no-store") {
    set beresp.uncacheable = true;
    set beresp.ttl = 120s;
    return (deliver);
  }
}

sub vcl_deliver {
  # A write just happened: drop the pages it changed before the writer follows the redirect.
  if (resp.http.xkey-purge) {
    set req.http.n-gone = xkey.purge(resp.http.xkey-purge);
    unset resp.http.xkey-purge;
  }
  if (obj.hits > 0) {
    set resp.http.X-Varnish-Cache = "HIT";
  } else {
    set resp.http.X-Varnish-Cache = "MISS";
  }
  # Surrogate keys are for us, not for readers.
  unset resp.http.xkey;
}
