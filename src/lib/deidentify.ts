/**
 * De-identification hints for stories. Before publishing, the author sees every finding
 * highlighted, and can redact one detail everywhere it occurs or all of them at once. It only
 * warns, never blocks, so every rule can be explained in one sentence (see FINDING_LABELS.why).
 *
 * Names, places and organisations come from compromise's lexicon (about 3,000 first names,
 * 900 surnames, 500 cities, 350 organisations) combined with our own cues ("my lead X",
 * "hired by X", "in X") and our tech vocabulary, so "Sarah Jenkins" is a name and "Jenkins" a
 * tool. We use the lexicon rather than compromise's full parse: the parse took 110–350 ms on a
 * 20,000-character story here, far over the 50 ms budget, while lexicon look-ups cost nothing.
 *
 * Performance: every regex starts with a negative lookbehind of its own first character
 * class, so it is only tried at token starts; that keeps scans linear on hostile input
 * (20,000 × "a", "@", "." …).
 *
 * Code (fenced blocks, `inline`, <code>/<pre>) is scanned for everything except handles,
 * names, places and companies: secrets, hosts and dates often live in code, while `@Override`,
 * `#include` and class names would only be noise.
 */
import nlp from 'compromise';

/** What a finding is; each kind has a label, an explanation and a stand-in in FINDING_LABELS. */
export type FindingKind =
  | 'email' | 'ip' | 'host' | 'phone' | 'secret' | 'account' | 'handle' | 'channel' | 'ticket' | 'date'
  | 'name' | 'company' | 'place';

/** One match: `text` equals the scanned text's [start, end), offsets in UTF-16 code units. */
export interface Finding {
  kind: FindingKind;
  start: number;
  end: number;
  text: string;
}

/** Human label, one-sentence rule explanation and neutral stand-in per kind. */
export const FINDING_LABELS: Record<FindingKind, { label: string; why: string; placeholder: string }> = {
  email: {
    label: 'E-mail address',
    why: 'An e-mail address can identify you or a colleague.',
    placeholder: 'an e-mail address',
  },
  ip: {
    label: 'IP address',
    why: 'Four dotted numbers from 0 to 255, or an IPv6 address, can point to your company’s network.',
    placeholder: 'an IP address',
  },
  host: {
    label: 'Link or host name',
    why: 'A link, a domain (any ending: .com, .io, .to …) or an internal machine name (db-prod-02, .internal) can reveal where you work.',
    placeholder: 'a server',
  },
  phone: {
    label: 'Phone number',
    why: 'A “+” with a country code, or 9 to 15 digits written in groups, looks like a phone number.',
    placeholder: 'a phone number',
  },
  secret: {
    label: 'Secret or access key',
    why: 'This looks like a real key or token (AWS, GitHub, Slack, Stripe, Google, JWT, private key, or a long random string next to “key”, “token”, “password”); rotate it if it was ever real.',
    placeholder: '[secret]',
  },
  account: {
    label: 'Account or project ID',
    why: 'Cloud account numbers, project IDs, ARNs and UUIDs belong to exactly one company.',
    placeholder: 'our cloud account',
  },
  handle: {
    label: 'Handle or user name',
    why: 'An @handle or a user name (like jane_doe) can be searched for and leads back to a person.',
    placeholder: 'a teammate',
  },
  channel: {
    label: 'Chat channel',
    why: 'A #channel name is often unique to one company or team.',
    placeholder: 'a channel',
  },
  ticket: {
    label: 'Ticket key',
    why: 'A ticket key like OPS-1234 is specific to one company’s tracker.',
    placeholder: 'a ticket',
  },
  date: {
    label: 'Exact date',
    why: 'An exact day lets readers match your story to a public outage.',
    placeholder: 'that day',
  },
  name: {
    label: 'Possible name',
    why: 'A first name, a full name (also alone on a line, as a byline), or a colleague’s initial after “my teammate” can identify a person.',
    placeholder: 'a teammate',
  },
  company: {
    label: 'Possible company',
    why: 'A name after “hired by”, “joined”, “worked at”, “at … we”, or ending in Inc, Ltd, GmbH …, is often an employer.',
    placeholder: 'a company',
  },
  place: {
    label: 'Place',
    why: 'A city or office location narrows down who you are and where you work.',
    placeholder: 'a city',
  },
};

type Span = [start: number, end: number];

/** Tie-break when two overlapping findings are equally long: lower rank = more specific. */
const RANK: Record<FindingKind, number> = {
  secret: 0, account: 1, email: 2, ip: 3, phone: 4, date: 5, ticket: 6, host: 7, channel: 8, handle: 9,
  company: 10, place: 11, name: 12,
};

/** Heuristic kinds that only make sense in prose, not in code. */
const PROSE_ONLY: ReadonlySet<FindingKind> = new Set(['handle', 'channel', 'name', 'company', 'place']);

// ---------------------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------------------

/**
 * Public TLDs: every country code plus the generic ones people put sites on. File-extension
 * look-alikes (.py .sh .md .rs .pl .so .tf .pm .ps .ml .in .id …) are left out on purpose, so
 * README.md and main.go stay prose.
 */
const TLDS = new Set(
  ('com net org edu gov mil int io dev co ai app cloud tech info biz me tv ly gg fm xyz blog software to ' +
    'site online store shop page run host email link live news media studio design agency digital systems ' +
    'network works team tools codes zone world space club pro today wtf fyi lol guru ninja rocks social ' +
    'pk ng ke gh eg ma tn is lk np bd ve pe uy bo ec cr pa gt hn sv ni cu jm tt cc ' +
    'de uk fr nl be ch at es it pt se no dk fi ie cz sk hu ro bg gr ru ua tr il jp cn kr tw hk sg au nz ca us ' +
    'mx br ar cl za eu asia ae sa lu li lt lv ee si hr su vn th ph ' +
    // Internal suffixes: not public, but they name a company's own machines.
    'internal corp local lan intranet svc localdomain').split(' '),
);

/** Tech products, vendors and infrastructure words: naming your tools identifies nobody. */
const TECH_WORDS = new Set(
  (
    'redis yaml postgresql postgres mysql sqlite mongodb mongo mariadb kubernetes docker terraform ansible aws gcp ' +
    'azure lambda cloudfront route cloudflare linux ubuntu debian centos fedora alpine windows macos mac android ' +
    'github gitlab bitbucket jenkins slack jira confluence pagerduty opsgenie datadog grafana prometheus kafka ' +
    'rabbitmq elasticsearch elastic kibana logstash nginx apache tomcat node python java go golang rust ruby rails ' +
    'django flask react vue angular svelte next nuxt astro typescript javascript php laravel symfony spring boot ' +
    'kotlin swift scala haskell elixir erlang clojure perl bash zsh shell powershell git helm chart vault consul ' +
    'nomad packer vagrant stripe twilio sendgrid mailgun heroku vercel netlify firebase supabase snowflake bigquery ' +
    'redshift dynamo dynamodb aurora cloudwatch cloudformation fargate openshift istio envoy linkerd traefik ' +
    'varnish memcached cassandra couchdb couchbase clickhouse influxdb timescale cockroach cockroachdb spanner ' +
    'airflow spark hadoop hive flink celery sidekiq puppet chef salt saltstack argo flux spinnaker circleci ' +
    'travis buildkite teamcity bamboo sentry honeycomb splunk relic loki tempo jaeger zipkin opentelemetry ' +
    'graphql rest oracle excel sheets teams zoom outlook gmail chrome firefox safari edge npm yarn pnpm pip maven ' +
    'gradle webpack vite babel eslint prettier jest vitest mocha cypress playwright selenium postman curl wget vim ' +
    'emacs intellij xcode unix freebsd nixos arch red hat kinesis glue athena cognito amplify lightsail beanstalk ' +
    'load balancer gateway ingress pod pods deployment deployments namespace replica cron crontab cronjob master ' +
    'primary secondary leader follower monolith microservices kanban scrum agile sprint standup retro ' +
    'retrospective postmortem runbook playbook wiki notion trello asana linear figma miro dropbox drive docs ' +
    'hacker news reddit twitter stack overflow discord meet calendar raspberry arduino nvidia intel cuda ' +
    'tensorflow pytorch copilot chatgpt openai claude gemini llama bedrock sagemaker cloud compute engine ' +
    'functions step bucket buckets storage blob queue topic topics cluster clusters server servers database ' +
    'databases service services backend frontend api app data platform infrastructure network firewall proxy ' +
    'cache replica replication shard shards index schema migration migrations table tables query queries ' +
    'pull request requests merge commit branch release hotfix rollback deploy deploys pipeline pipelines build ' +
    'builds test tests testing staging production prod dev ops devops sre security support legacy internal core ' +
    'billing payments payment monitoring alerting logging trading banking storage distributed operating embedded ' +
    'information user users customer customers working focus control resource memory black cyber visual studio ' +
    'code puma unicorn gunicorn uwsgi rollout canary feature flag flags blue green point failure analysis ticket ' +
    'tickets severity oncall hibernate sentry unsplash gifs protip ssh ftp sftp dns cdn tls vpn argo cd ' +
    'mongo mssql sql nosql graphite statsd pagerduty victorops zendesk hubspot salesforce shopify wordpress ' +
    'drupal magento okta auth0 keycloak ldap active directory lucene solr neo4j etcd zookeeper haproxy ' +
    'caddy iis jetty wildfly kubectl minikube podman containerd systemd cron nagios zabbix icinga ' +
    'rundeck octopus tekton harness bitrise fastlane expo flutter dart unity unreal godot'
  ).split(' '),
);

/** Calendar and sentence words, capitalised only because they start a sentence or are names of days. */
const COMMON_WORDS = new Set(
  (
    // Calendar.
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august ' +
    'september october november december christmas easter thanksgiving halloween new year eve ' +
    // Sentence words and story vocabulary.
    'the this that these those there here we my our it its after before when then so but and or nor what how why ' +
    'where who whom which whose lesson lessons step steps also if in on at for of to from with by as is was were be ' +
    'been he she they you your his her their them us me a an all any some no not yes ok okay one two three four ' +
    'five first second third next finally later today yesterday tomorrow tonight morning afternoon evening night ' +
    'week weekend month incident outage update note edit summary background context timeline impact root cause ' +
    'fix resolution takeaway takeaways thanks sorry please hello hi hey dear oh well still now just only even ' +
    'never always every each most many much more less once while during since until because although though ' +
    'however instead luckily unfortunately eventually suddenly meanwhile anyway plus nothing everything someone ' +
    'somebody everyone nobody team engineering sales marketing manager lead boss senior junior staff principal ' +
    'intern good great bad worst best big small day days hour hours minute minutes do did does done don doesn ' +
    'didn can could would should will shall must might let lets yeah sure maybe actually honestly basically ' +
    'english tl dr ' +
    // Roles and titles: naming a role identifies nobody.
    'tech engineer engineers developer developers dev devs architect architects admin administrator ' +
    'designer analyst consultant contractor director head chief officer vp speaker runner owner founder ' +
    // Sentence starts that look like names.
    'god jesus ask thanks thank step help dark theme category code photo credit cover image written ' +
    'posted updated edited published originally comments comment reply share follow enjoy back blog read ' +
    'min profile learning being safeguards intelligence enter great sure nope wow ah uh um'
  ).split(/\s+/),
);

/** Tech words that are also common surnames, so "Sarah Jenkins" is still a name. */
const SURNAMES = new Set(['jenkins', 'swift', 'chef', 'grant', 'hill']);

const isNotName = (word: string) => TECH_WORDS.has(word.toLowerCase()) || COMMON_WORDS.has(word.toLowerCase());

/** Lower case without accents, the way compromise's lexicon spells names ("José" → "jose"). */
const fold = (word: string) => word.normalize('NFD').replace(/\p{M}/gu, '').replace(/['’]/g, '').toLowerCase();

/** compromise's word list: word → tag(s), e.g. "ivan" → "MaleName" (its types leave world() as object). */
const LEXICON_WORDS = (nlp.world() as { model: { one: { lexicon: Record<string, string | string[]> } } }).model.one.lexicon;

/** Names, cities and organisations from compromise's lexicon, minus our tech vocabulary. */
const LEXICON = (() => {
  const firstNames = new Set<string>(), lastNames = new Set<string>(), cities = new Set<string>(), orgs = new Set<string>();
  for (const [word, tags] of Object.entries(LEXICON_WORDS)) {
    const tag = Array.isArray(tags) ? tags.join(',') : tags;
    if (TECH_WORDS.has(word) || COMMON_WORDS.has(word)) continue;
    if (/^(?:MaleName|FemaleName|FirstName)$/.test(tag)) firstNames.add(word);
    else if (tag === 'LastName') lastNames.add(word);
    else if (tag === 'City') cities.add(word);
    else if (tag === 'Organization' && !word.split(' ').some((w) => TECH_WORDS.has(w))) orgs.add(word);
  }
  return { firstNames, lastNames, cities, orgs };
})();
const isFirstName = (word: string) => LEXICON.firstNames.has(fold(word));

/** Words Title Case leaves in lower case. */
const TITLE_SMALL_WORDS = new Set(['and', 'the', 'for', 'but', 'nor', 'yet', 'via', 'per', 'off', 'out', 'its']);

/** Abbreviations whose dot does not end a sentence. */
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'etc', 'vs', 'mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'approx', 'cf']);

/** Parts of machine names: "pg-prod-02" is a host, "utf-8" and "sha-256" are not. */
const INFRA_WORDS = new Set(
  ('db pg psql mysql mongo redis kafka es elastic rabbit mq web www app api prod production stg stage staging ' +
    'dev qa uat worker workers node host srv server cache lb proxy bastion jump jumpbox build ci runner vpn mail ' +
    'smtp ldap dc edge gw gateway ip k8s etl batch broker replica primary master slave ingest cron nfs ' +
    'storage backup vm box').split(' '),
);

/** Upper-case prefixes of standard names that look like ticket keys. */
const NOT_TICKETS = new Set(
  ('SHA UTF ISO RFC CVE AES SEV P PEP TLS SSL HTTP HTTPS GPT COVID IPV EC ES ECMA MD RSA DES X Y TCP UDP ' +
    'IEEE ANSI WCAG CWE OWASP SOC PCI HIPAA GDPR ARM AMD INTEL CPU GPU RAM DDR USB PS XBOX WIN IOS F A B C S T').split(' '),
);

/** Sites everyone reads: a vendor's status page or documentation identifies nobody. */
const PUBLIC_SITES = new Set(
  ('stackoverflow.com serverfault.com superuser.com github.com gitlab.com bitbucket.org wikipedia.org ' +
    'en.wikipedia.org google.com youtube.com twitter.com x.com reddit.com news.ycombinator.com medium.com ' +
    'npmjs.com pypi.org crates.io rubygems.org kubernetes.io docker.com hub.docker.com mozilla.org ' +
    'developer.mozilla.org martinfowler.com sre.google aws.amazon.com cloud.google.com azure.microsoft.com ' +
    'learn.microsoft.com postgresql.org mysql.com redis.io kafka.apache.org apache.org python.org nodejs.org').split(' '),
);
function isPublicPage(fullHost: string): boolean {
  const host = fullHost.replace(/^www\./, '');
  const labels = host.split('.');
  if (['internal', 'corp', 'local', 'lan', 'intranet', 'svc', 'localdomain'].includes(labels[labels.length - 1])) return false;
  return /^(?:status|docs?|developers?|help|support|learn|documentation|api-docs)$/.test(labels[0]) || PUBLIC_SITES.has(host);
}

/** Slack broadcast mentions name nobody. */
const NOT_HANDLES = new Set(['here', 'channel', 'everyone', 'all']);

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

/** Trailing punctuation is sentence punctuation, not part of a URL/ARN; keep ")" when the span opened one. */
function trimEnd(text: string, start: number, end: number): number {
  while (end > start) {
    const c = text[end - 1];
    if ('.,;:!?\'"*_>]}’”'.includes(c)) end--;
    else if (c === ')' && count(text, start, end, '(') < count(text, start, end, ')')) end--;
    else break;
  }
  return end;
}

function count(text: string, start: number, end: number, ch: string): number {
  let n = 0;
  for (let i = start; i < end; i++) if (text[i] === ch) n++;
  return n;
}

/** Span of the regex's last capture group, which by convention sits at the very end of the match. */
function tailGroup(m: RegExpExecArray): Span {
  const end = m.index + m[0].length;
  return [end - m[m.length - 1].length, end];
}

function whole(m: RegExpExecArray): Span {
  return [m.index, m.index + m[0].length];
}

/** Shannon entropy in bits per character; random keys score well above English identifiers. */
function entropy(s: string): number {
  const freq = new Map<string, number>();
  for (const c of s) freq.set(c, (freq.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of freq.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

// ---------------------------------------------------------------------------------------
// Rules: each returns the span to flag, or null to skip the match.
// ---------------------------------------------------------------------------------------

interface Rule {
  kind: FindingKind;
  re: RegExp;
  /** Defaults to the whole match. */
  span?: (m: RegExpExecArray, text: string) => Span | null;
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const MONTH =
  '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';
const DAY = '(?:3[01]|[12]\\d|0?[1-9])(?:st|nd|rd|th)?';
const YEAR = '(?:19|20)\\d{2}';

/** Rejects "12:30:45", "a::b::c" and bare "::1"; accepts 8 full groups or one "::" with 2+ groups. */
function isIPv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h ? h.split(':') : []));
  if (groups.some((g) => g === '')) return false;
  return halves.length === 2 ? groups.length >= 2 && groups.length <= 7 : groups.length === 8;
}

/** "+CC …" with 8–15 digits, or 9–15 digits in 3+ groups (2+ if it starts with 0 or "("), but not "100 000 000". */
function isPhone(s: string): boolean {
  const digits = s.replace(/\D/g, '').length;
  if (s.startsWith('+')) return digits >= 8 && digits <= 15;
  if (digits < 9 || digits > 15) return false;
  const groups = s.split(/\D+/).filter(Boolean).length;
  if (groups < 3 && !(groups >= 2 && /^[0(]/.test(s))) return false;
  return !/^[1-9]\d{0,2}(?:([ .])\d{3})(?:\1\d{3})*$/.test(s);
}

/** Day and month both plausible, in either order (14/03/2024 and 3/14/24). */
function isNumericDate(m: RegExpExecArray): boolean {
  const [a, b, sep, year] = [Number(m[1]), Number(m[3]), m[2], m[4]];
  if (year.length === 4 ? !/^(?:19|20)/.test(year) : sep !== '/') return false;
  return a >= 1 && b >= 1 && a <= 31 && b <= 31 && Math.min(a, b) <= 12;
}

const RULES: Rule[] = [
  // --- secrets ---
  { kind: 'secret', re: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { kind: 'secret', re: /(?<![\w-])(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{30,})/g },
  { kind: 'secret', re: /(?<![\w-])xox[baprs]-[A-Za-z0-9-]{10,}/g },
  { kind: 'secret', re: /(?<![\w-])[spr]k_(?:live|test)_[A-Za-z0-9]{10,}/g },
  { kind: 'secret', re: /(?<![\w-])AIza[\w-]{35}/g },
  // The whole PEM block when its END line is there, else just the header.
  {
    kind: 'secret',
    re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:[A-Za-z0-9+/=\s]*-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----)?/g,
  },
  { kind: 'secret', re: /(?<![\w-])eyJ[\w-]{5,}\.eyJ[\w-]{5,}\.[\w-]*/g },
  // A 32+ char random-looking value on the same line, at most 24 chars after key/token/secret/password.
  {
    kind: 'secret',
    re: /(?<![A-Za-z])(?:api_?keys?|keys?|tokens?|secrets?|passwords?|passwd|pwd|credentials?|auth)(?![A-Za-z0-9])[^\n]{0,24}?(?<![A-Za-z0-9+/_-])([A-Za-z0-9+/_-][A-Za-z0-9+/_=-]{31,})/gi,
    span: (m) => {
      const v = m[1];
      const classes = Number(/[a-z]/.test(v)) + Number(/[A-Z]/.test(v)) + Number(/\d/.test(v));
      return classes >= 2 && entropy(v) >= 3.5 ? tailGroup(m) : null;
    },
  },

  // --- accounts and project ids ---
  { kind: 'account', re: /(?<![\w.-])(?:\d{12}|\d{4}-\d{4}-\d{4})(?![\w-]|\.\d)/g },
  {
    kind: 'account',
    re: /(?<![\w-])arn:aws[\w-]*:[\w-]+:[\w-]*:\d{0,12}:[^\s"'<>`]+/g,
    span: (m, text) => [m.index, trimEnd(text, m.index, m.index + m[0].length)],
  },
  {
    kind: 'account',
    re: /(?<![\w-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/g,
  },
  // GCP project ids only in context; after "project:" they must contain a digit or dash, so "project: migration" is prose.
  {
    kind: 'account',
    re: /(?<![\w-])(?:projects\/|--project[= ]|set project |[Pp]roject(?:[ _-]?[Ii][Dd])?[ \t]*[:=][ \t]*["']?)([a-z][a-z0-9-]{4,28}[a-z0-9])(?![\w-])/g,
    span: (m) => (m[0].startsWith('projects/') || /[\d-]/.test(m[1]) ? tailGroup(m) : null),
  },

  // --- e-mail, ip, host ---
  { kind: 'email', re: /(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])/g },
  {
    kind: 'ip',
    re: new RegExp(`(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?:/(?:3[0-2]|[12]?\\d))?(?!\\w|\\.\\d)`, 'g'),
    // Loopback and "any" addresses identify nobody.
    span: (m) => (/^(?:127\.|0\.0\.0\.0)/.test(m[0]) ? null : whole(m)),
  },
  {
    kind: 'ip',
    re: /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:]|\.\w)/g,
    span: (m) => (isIPv6(m[0]) ? whole(m) : null),
  },
  {
    kind: 'host',
    re: /(?<![\w@.-])https?:\/\/[^\s<>"'`]+/gi,
    span: (m, text) => {
      if (/^https?:\/\/(?:[^/@]*@)?(?:localhost|127\.0\.0\.1)(?![\w.-])/i.test(m[0])) return null;
      const url = /^https?:\/\/(?:[^/@]*@)?([^/:?#]+)(?::\d+)?(\/[^?#]*)?/i.exec(m[0]);
      if (url && isPublicPage(url[1].toLowerCase())) return null;
      // A documentation or specification page (…/docs/…, …/spec/…) is public reading, not a workplace.
      if (url?.[2] && /^\/(?:[\w.-]+\/)*(?:docs?|documentation|spec|specs|manual|reference|guides?)(?:\/|$)/i.test(url[2])) return null;
      return [m.index, trimEnd(text, m.index, m.index + m[0].length)];
    },
  },
  // Dotted names whose last label is a known TLD (lower case, so ASP.NET and file names like config.yaml pass).
  {
    kind: 'host',
    re: /(?<![\w@./-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g,
    span: (m) => {
      const labels = m[0].split('.');
      if (!TLDS.has(labels[labels.length - 1]) || isPublicPage(m[0])) return null;
      return labels.every((l) => l && !l.startsWith('-') && !l.endsWith('-')) ? whole(m) : null;
    },
  },

  // --- internal machine names: web-07, pg-prod-02, ip-10-0-3-17 (an infrastructure word and a number) ---
  {
    kind: 'host',
    re: /(?<![\w.@#\/-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w-]|\.\w)/g,
    span: (m) => {
      const parts = m[0].split('-');
      return /^\d+$/.test(parts[parts.length - 1]) && parts.some((p) => INFRA_WORDS.has(p.replace(/\d+$/, ''))) ? whole(m) : null;
    },
  },

  // --- ticket keys: OPS-1234, but not SHA-256, UTF-8, SEV-1 ---
  {
    kind: 'ticket',
    re: /(?<![\w-])([A-Z][A-Z0-9]{1,9})-\d{1,6}(?![\w-]|\.\d)/g,
    span: (m) => (NOT_TICKETS.has(m[1]) || /\d/.test(m[1][0]) ? null : whole(m)),
  },

  // --- phone ---
  {
    kind: 'phone',
    re: /(?<![\w+.\/-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,8}(?:[ .-]\d{1,8}){0,5}(?!\w|[.\/-]\d)/g,
    span: (m) => (isPhone(m[0]) ? whole(m) : null),
  },

  // --- dates ---
  { kind: 'date', re: new RegExp(`(?<![\\w./-])${YEAR}([-/.])(?:0[1-9]|1[0-2])\\1(?:0[1-9]|[12]\\d|3[01])(?!\\d)`, 'g') },
  {
    kind: 'date',
    re: /(?<![\w./-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\w/-]|\.\d)/g,
    span: (m) => (isNumericDate(m) ? whole(m) : null),
  },
  { kind: 'date', re: new RegExp(`(?<!\\w)${MONTH}\\.?[ \\t]+${DAY}(?![\\w:]|\\.\\d)(?:,?[ \\t]+${YEAR}(?!\\d)|[ \\t]+['’]\\d{2}(?!\\w))?`, 'g') },
  { kind: 'date', re: new RegExp(`(?<![\\w.])${DAY}(?:[ \\t]+of)?[ \\t]+${MONTH}(?!\\w)(?:,?[ \\t]+${YEAR}(?!\\d))?`, 'g') },

  // --- handles and channels ---
  {
    kind: 'handle',
    re: /(?<![\w@.+\/-])@[A-Za-z_][\w.-]*[A-Za-z0-9_]/g,
    // "@types/node" is an npm scope, "@here" names nobody.
    span: (m, text) =>
      text[m.index + m[0].length] === '/' || NOT_HANDLES.has(m[0].slice(1).toLowerCase()) ? null : whole(m),
  },
  // snake_case user names next to "profile", "user", "by", or made of a first name and a surname.
  {
    kind: 'handle',
    re: /(?<![\w@.#\/-])([a-z]{2,})_([a-z]{2,})(?:_[a-z]{2,})?(?![\w(.\/-])/g,
    span: (m, text) => {
      const before = text.slice(Math.max(0, m.index - 24), m.index);
      const after = text.slice(m.index + m[0].length, m.index + m[0].length + 12);
      const cue = /\b(?:user(?:name)?|handle|by|account|from)[ :]+$/i.test(before) || /^[ \t]+profile\b/.test(after);
      return cue || (isFirstName(m[1]) && LEXICON.lastNames.has(m[2])) ? whole(m) : null;
    },
  },
  {
    kind: 'channel',
    re: /(?<![\w#&\/@-])#[a-z][a-z0-9_-]*[a-z0-9](?![A-Za-z0-9])/g,
    // Hex colours (#fff, #a1b2c3) are not channels.
    span: (m) => (/^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.test(m[0]) ? null : whole(m)),
  },

  // --- companies by suffix: 1–3 capitalised words + Inc/Ltd/GmbH/…, leading sentence words dropped ---
  {
    kind: 'company',
    re: /(?<![\w'’.@#\/-])(?:[A-Z][\w&'’-]* ){1,3}(?:Inc|Ltd|LLC|GmbH|Corp|Corporation|Incorporated|Limited|Technologies|Labs|Systems|Bank|Group|Holdings|Industries|Enterprises|Partners|Ventures|AG|SA|plc|PLC|Co)(?![\w-])/g,
    span: (m) => {
      const words = m[0].split(' ');
      let start = m.index;
      for (let i = 0; i < words.length - 1 && isNotName(words[i]); i++) start += words[i].length + 1;
      return start + words[words.length - 1].length === m.index + m[0].length ? null : [start, m.index + m[0].length];
    },
  },
];

// ---------------------------------------------------------------------------------------
// Names, places and companies from capitalised words
// ---------------------------------------------------------------------------------------

/** A capitalised word (any script with case): Sarah, José, McDonald, O'Brien, Smith-Jones. Acronyms (AWS, OK) and "I" never match. */
const CAP = "\\p{Lu}(?:['’]\\p{Lu})?\\p{Ll}+(?:\\p{Lu}\\p{Ll}+)*(?:-\\p{Lu}\\p{Ll}+)?";
/** A middle or leading initial: the "J." of "Marcus J. Holloway". */
const INITIAL = '(?!I\\.)\\p{Lu}\\.';
const WORD = `(?:${CAP}|${INITIAL})`;
/** Runs of capitalised words joined by single spaces; "Node.js" and "@Sarah" are not words. */
const CAP_RUN = new RegExp(`(?<![\\p{L}\\p{N}_.@#/-])${WORD}(?:[ \\u00a0]${WORD})*(?![\\p{L}\\p{N}_@-]|\\.[\\p{L}\\p{N}])`, 'gu');
const WORD_IN_RUN = new RegExp(WORD, 'gu');
const PERSON_CUE =
  /(?:\b(?:manager|lead|boss|colleague|co-?worker|teammate|mentor|intern|architect|director|reviewer|named|called|CTO|CEO|CIO|CISO|VP|SRE|DBA|by|to|with|thanks|thank|ask|asked|told|pinged|messaged|owe|credit)[ ,:]+|\b(?:Mr|Mrs|Ms|Dr|Prof)\.? )$/;
/** Phrases that name an employer: "hired by X", "joined X", "worked at X"; these win over the name lexicon (Kenna is also a first name). */
const EMPLOYER_CUE =
  /\b(?:hired by|employed by|acquired by|joined|join|joining|(?:work|worked|working|job|jobs|intern|internship|interned|contract|contracting|consultant|engineer|developer) (?:at|for)|was at)[ ]+$/i;
/** Weaker: "our client, X", "the payments partner X" (a first name there is still a person). */
const BUSINESS_CUE = /\b(?:client|partner|vendor|customer|supplier)[ ,]+$/i;
/** A verb right after an unknown capitalised word suggests a person doing something: "Then Priyanka restarted". */
const VERB_AFTER = /^[ \t]+(?:\p{Ll}+ed|was|had|said|did|is|has|told|asked|wrote|ran|took|came|went|got|found|saw|made|knew|kept|left|spent|sent|built|broke|fixed)\b/u;
const AT_CUE = /(?:^|[^\p{L}])(?:at|for)[ ]+$/iu;
const PLACE_CUE = /\b(?:in|from|to|near|office in|based in|moved to|flew to|city of)[ ]+$/i;
const IMPERATIVE_OBJECT = /^[ \t]+(?:a|an|the|your|my|our|it|this|that|them|each|every|all|any)\b/;
const PRONOUNS_AFTER = /^[ \t]*\((?:she|he|they|xe|ze)\/(?:her|him|them|hers|his|theirs|xem|zir)\)/i;
const LINE_MARKERS = /^[ \t]*(?:(?:#{1,6}|[-*+•–]|\d{1,3}[.)]|>)[ \t]+)*["'“‘(\[*_]*$/;
/** "my teammate, A, replied": a single capital letter standing for a colleague. */
const INITIAL_FOR_PERSON =
  /\b(?:teammates?|colleagues?|co-?workers?|manager|lead|boss|mentor|friend|DBA|SRE|CTO|CEO|VP|engineer|developer|intern|call (?:him|her|them))[ \t]*,?[ \t]+\(?(?![IA][ \t]+\p{Ll}|I\b)(\p{Lu})(\.)?(?=[,;:)]|[ \t]+\p{Ll})/gu;
/** A byline pasted twice with no space between ("Grace LiuGrace Liu"), as blog pages show it. */
const DOUBLED_NAME_LINE = new RegExp(`^[ \\t]*(${CAP}(?: ${CAP}){1,3})\\1[ \\t]*$`, 'gmu');

/** Start offsets of every line, so lookups stay O(log n) even when a story is one long line. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], pos: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** True when a capital at pos is explained by position: line start, Markdown marker, or after . ! ? : (not "e.g.", "Dr."). */
function isSentenceStart(text: string, pos: number, lineStart: number): boolean {
  if (pos - lineStart <= 24 && LINE_MARKERS.test(text.slice(lineStart, pos))) return true;
  let i = pos - 1;
  while (i >= lineStart && ' \t"\'“‘([*_'.includes(text[i])) i--;
  if (i < lineStart) return true;
  if ('!?:…'.includes(text[i])) return true;
  // A dash, bar or bullet separates like a full stop only with a space after it ("Step 1 - Help", not "x-Ann").
  if ('|•–—-'.includes(text[i]) && i < pos - 1) return true;
  if (text[i] !== '.') return false;
  const word = /([A-Za-z.]*[A-Za-z])\.$/.exec(text.slice(Math.max(lineStart, i - 8), i + 1));
  return !(word && ABBREVIATIONS.has(word[1].toLowerCase()));
}

/**
 * Headings and Title Case lines (titles, lessons like "Never Deploy On Friday") capitalise every word,
 * so runs there mean nothing. Title Case: of the 3+-letter words (minus and/the/for …), 3+ are
 * capitalised and fewer than one in five is not.
 */
function isTitleLine(line: string): boolean {
  const long = (line.match(/\p{L}[\p{L}'’-]{2,}/gu) ?? []).filter((w) => !TITLE_SMALL_WORDS.has(w));
  const caps = long.filter((w) => /^\p{Lu}/u.test(w)).length;
  return /^[ \t]*#{1,6}[ \t]/.test(line) || (caps >= 3 && (long.length - caps) * 4 < caps);
}

const isInitial = (word: string) => /^\p{Lu}\.$/u.test(word);

/** Decides what a run of capitalised name-like words is, from its cue, the lexicon and its position. */
function classify(text: string, words: Span[], sentenceStart: boolean, title: boolean, alone: boolean): { kind: FindingKind; words: Span[] } | null {
  const before = text.slice(Math.max(0, words[0][0] - 40), words[0][0]);
  const wordText = (w: Span) => text.slice(w[0], w[1]);
  const first = wordText(words[0]);
  const firstIsName = isFirstName(first);
  const allText = fold(text.slice(words[0][0], words[words.length - 1][1]));
  const isCity = LEXICON.cities.has(allText);
  if (title && !firstIsName && !/\bby[ ,:]+$/.test(before)) return null;
  if (EMPLOYER_CUE.test(before) && !isCity) return { kind: 'company', words };
  if (BUSINESS_CUE.test(before) && !firstIsName && !isCity) return { kind: 'company', words };
  if (isCity && (PLACE_CUE.test(before) || AT_CUE.test(before) || !sentenceStart)) return { kind: 'place', words };
  if (PERSON_CUE.test(before) && (firstIsName || words.length >= 2 || /\b(?:named|called|manager|lead|mentor|CTO|CEO|boss)[ ,:]+$/.test(before))) {
    return { kind: 'name', words };
  }
  if (AT_CUE.test(before) && !firstIsName && !sentenceStart) return { kind: 'company', words };
  if (LEXICON.orgs.has(allText) && !sentenceStart) return { kind: 'company', words };
  if (PRONOUNS_AFTER.test(text.slice(words[words.length - 1][1], words[words.length - 1][1] + 20)) && words.length >= 2) {
    return { kind: 'name', words };
  }
  // The first word of a sentence is capitalised anyway; only what follows counts, unless it is a first name.
  let rest = words;
  if (sentenceStart && !firstIsName && !(isInitial(first) && words.length >= 2)) rest = words.slice(1);
  if (rest.length === 0) return null;
  const restFirst = wordText(rest[0]);
  if (title && !(rest === words && firstIsName && rest.length >= 2 && rest.length <= 3)) return null;
  if (rest.length >= 2 && rest.length <= 3) return { kind: 'name', words: rest };
  const after = text.slice(rest[0][1], rest[0][1] + 16);
  // "Mark a message as sent": a sentence-start first name followed by an article is a verb.
  const imperative = sentenceStart && IMPERATIVE_OBJECT.test(after);
  if (rest.length === 1 && isFirstName(restFirst) && !/^['’]/.test(after) && !imperative) return { kind: 'name', words: rest };
  // An unknown word (not in the lexicon, not CamelCase) followed by a verb: "Then Priyanka restarted".
  if (alone && rest.length === 1 && rest === words && !sentenceStart && !(fold(restFirst) in LEXICON_WORDS) && /^\p{Lu}\p{Ll}+$/u.test(restFirst) && VERB_AFTER.test(after)) {
    return { kind: 'name', words: rest };
  }
  return null;
}

function findNames(text: string, out: Finding[]): void {
  const starts = lineStarts(text);
  const titleLines = new Map<number, boolean>();
  const lineInfo = (pos: number) => {
    const n = lineOf(starts, pos);
    let title = titleLines.get(n);
    if (title === undefined) {
      title = isTitleLine(text.slice(starts[n], n + 1 < starts.length ? starts[n + 1] - 1 : text.length));
      titleLines.set(n, title);
    }
    return { lineStart: starts[n], title };
  };
  const push = (kind: FindingKind, start: number, end: number) => out.push({ kind, start, end, text: text.slice(start, end) });

  const doubled: Span[] = [];
  for (const m of text.matchAll(DOUBLED_NAME_LINE)) {
    const at = m.index + m[0].indexOf(m[1]);
    push('name', at, at + m[1].length);
    push('name', at + m[1].length, at + 2 * m[1].length);
    doubled.push([at, at + 2 * m[1].length]);
  }
  for (const m of text.matchAll(INITIAL_FOR_PERSON)) {
    const end = m.index + m[0].length;
    push('name', end - m[1].length - (m[2]?.length ?? 0), end);
  }

  for (const run of text.matchAll(CAP_RUN)) {
    if (doubled.some(([a, b]) => run.index >= a && run.index < b)) continue;
    // Split the run into segments of consecutive words that are not tech/calendar/sentence words.
    const segments: Span[][] = [[]];
    for (const w of run[0].matchAll(WORD_IN_RUN)) {
      const s = run.index + w.index;
      const seg = segments[segments.length - 1];
      const surname = seg.length >= 1 && (SURNAMES.has(w[0].toLowerCase()) || LEXICON.lastNames.has(fold(w[0])));
      if (isNotName(w[0]) && !surname) segments.push([]);
      else seg.push([s, s + w[0].length]);
    }
    // A lone unknown word next to tech words ("GitHub Actions") is a product, not a person.
    const alone = !run[0].split(' ').some((w) => TECH_WORDS.has(w.toLowerCase()));
    for (const words of segments) {
      if (words.length === 0 || (words.length === 1 && isInitial(text.slice(words[0][0], words[0][1])))) continue;
      const { lineStart, title } = lineInfo(words[0][0]);
      const found = classify(text, words.slice(0, 4), isSentenceStart(text, words[0][0], lineStart), title, alone);
      if (!found) continue;
      const picked = found.words.slice(0, 3);
      push(found.kind, picked[0][0], picked[picked.length - 1][1]);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Scanning
// ---------------------------------------------------------------------------------------

/** All findings; `code[i] === 1` marks characters inside code, where prose-only kinds are skipped. */
function scan(text: string, code: Uint8Array): Finding[] {
  const found: Finding[] = [];
  for (const rule of RULES) {
    for (const m of text.matchAll(rule.re)) {
      const span = rule.span ? rule.span(m, text) : whole(m);
      if (span && span[1] > span[0]) found.push({ kind: rule.kind, start: span[0], end: span[1], text: text.slice(span[0], span[1]) });
    }
  }
  findNames(text, found);

  // Longest first, then most specific; keep a finding only if none of its characters is taken.
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || RANK[a.kind] - RANK[b.kind] || a.start - b.start);
  const taken = new Uint8Array(text.length);
  const kept: Finding[] = [];
  outer: for (const f of found) {
    if (PROSE_ONLY.has(f.kind) && (code[f.start] || code[f.end - 1])) continue;
    for (let i = f.start; i < f.end; i++) if (taken[i]) continue outer;
    taken.fill(1, f.start, f.end);
    kept.push(f);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Marks fenced code blocks and `inline code` in Markdown. */
function markdownCode(text: string): Uint8Array {
  const code = new Uint8Array(text.length);
  let fence = '', fenceStart = 0, pos = 0;
  for (const line of text.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) {
        code.fill(1, fenceStart, pos + line.length);
        fence = '';
      }
    } else if (marker) {
      fence = marker;
      fenceStart = pos;
    } else {
      for (const m of line.matchAll(/`[^`]+`/g)) code.fill(1, pos + m.index, pos + m.index + m[0].length);
    }
    pos += line.length + 1;
  }
  if (fence) code.fill(1, fenceStart);
  return code;
}

/** All identifying details in Markdown/plain text, sorted by start and non-overlapping. */
export function findIdentifyingDetails(text: string, alsoKnown: Iterable<[FindingKind, string]> = []): Finding[] {
  const code = markdownCode(text);
  return withRepeats(text, code, scan(text, code), alsoKnown);
}

/** Most distinct names looked up again; keeps hostile input (thousands of "names") linear. */
const MAX_REPEATED_DETAILS = 50;

function withRepeats(text: string, code: Uint8Array, found: Finding[], alsoKnown: Iterable<[FindingKind, string]>): Finding[] {
  // A name recognised once ("my lead Priya Raman") is the same name everywhere else in the story,
  // also where no cue explains it ("Priya Raman spotted it").
  const known = new Map<string, FindingKind>();
  for (const f of found) if (PROSE_ONLY.has(f.kind)) known.set(f.text, f.kind);
  for (const [kind, detail] of alsoKnown) if (!known.has(detail)) known.set(detail, kind);
  if (known.size === 0) return found;
  const taken = new Uint8Array(text.length);
  for (const f of found) taken.fill(1, f.start, f.end);
  const extra: Finding[] = [];
  for (const [detail, kind] of [...known].slice(0, MAX_REPEATED_DETAILS)) {
    if (detail.length < 2 || kind === 'handle' || kind === 'channel') continue;
    const re = new RegExp(`(?<![\\p{L}\\p{N}_])${detail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}_])`, 'gu');
    for (const m of text.matchAll(re)) {
      const end = m.index + m[0].length;
      if (taken.subarray(m.index, end).some((x) => x) || code[m.index]) continue;
      taken.fill(1, m.index, end);
      extra.push({ kind, start: m.index, end, text: m[0] });
    }
  }
  return extra.length ? [...found, ...extra].sort((x, y) => x.start - y.start) : found;
}

/** The neutral stand-in for a finding at `start`, capitalised when it starts a sentence ("A teammate restarted it"). */
export function standIn(text: string, start: number, kind: FindingKind): string {
  const placeholder = FINDING_LABELS[kind].placeholder;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  return isSentenceStart(text, start, lineStart) ? placeholder[0].toUpperCase() + placeholder.slice(1) : placeholder;
}

/** Replaces exactly one finding with its stand-in, or returns null when the text changed since the scan. */
export function redactFinding(text: string, finding: Pick<Finding, 'kind' | 'start' | 'end' | 'text'>): string | null {
  const { start, end } = finding;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > text.length) return null;
  if (text.slice(start, end) !== finding.text) return null;
  return text.slice(0, start) + standIn(text, start, finding.kind) + text.slice(end);
}

/**
 * Replaces every occurrence of one detail (as a whole word: "Ann" is not touched inside "Annual")
 * with its stand-in, so one click removes a name from the whole story. Returns how many it replaced.
 */
export function redactEverywhere(text: string, kind: FindingKind, detail: string): { text: string; count: number } {
  if (!detail) return { text, count: 0 };
  const escaped = detail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'gu');
  let count = 0;
  let result = '', last = 0;
  for (const m of text.matchAll(re)) {
    result += text.slice(last, m.index) + standIn(text, m.index, kind);
    last = m.index + m[0].length;
    count++;
  }
  return { text: result + text.slice(last), count };
}

/** Replaces every finding with its stand-in (the preview's "Redact all", and text we publish on someone else's behalf). */
export function redactAllFindings(text: string): string {
  let result = text;
  // From the end, so earlier offsets stay valid.
  for (const finding of findIdentifyingDetails(text).reverse()) {
    result = result.slice(0, finding.start) + standIn(text, finding.start, finding.kind) + result.slice(finding.end);
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------

const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', mdash: '—', ndash: '–', hellip: '…',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”',
};
const BLOCK_TAGS = new Set([
  'p', 'div', 'br', 'ul', 'ol', 'li', 'pre', 'blockquote', 'table', 'tr', 'td', 'th', 'hr',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article', 'dl', 'dt', 'dd', 'figure', 'figcaption',
]);

function decodeEntity(entity: string): string {
  const body = entity.slice(1, -1);
  if (body[0] !== '#') return ENTITIES[body.toLowerCase()] ?? '\uFFFC';
  const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
  return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFC';
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Wraps findings in already-sanitized HTML in <mark data-finding title>, scanning only text (code included), never tags. */
export function highlightFindingsInHtml(html: string, alsoKnown: Iterable<[FindingKind, string]> = []): string {
  // Decode the text into plain characters, remembering each one's [from, to) in the HTML so an
  // entity stays one unit. Block tags become synthetic, zero-width "\n" (and "# " for headings,
  // "- " for list items) so sentence and heading rules see the same structure as in Markdown.
  let plain = '';
  const from: number[] = [], to: number[] = [], inCode: number[] = [];
  let codeDepth = 0;
  const push = (s: string, a: number, b: number) => {
    for (let k = 0; k < s.length; k++) {
      plain += s[k];
      from.push(a);
      to.push(b);
      inCode.push(codeDepth > 0 ? 1 : 0);
    }
  };
  for (const m of html.matchAll(/<[^>]*>?|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});|[^<&]+|&/g)) {
    const tok = m[0], at = m.index;
    if (tok[0] === '<') {
      const tag = /^<(\/?)([A-Za-z][A-Za-z0-9]*)/.exec(tok);
      if (!tag) continue;
      const name = tag[2].toLowerCase(), closing = tag[1] === '/';
      if (name === 'code' || name === 'pre') codeDepth = Math.max(0, codeDepth + (closing ? -1 : 1));
      if (BLOCK_TAGS.has(name)) push(closing ? '\n' : /^h[1-6]$/.test(name) ? '\n# ' : name === 'li' ? '\n- ' : '\n', at, at);
    } else if (tok[0] === '&' && tok.length > 1) {
      push(decodeEntity(tok), at, at + tok.length);
    } else {
      for (let k = 0; k < tok.length; k++) push(tok[k], at + k, at + k + 1);
    }
  }

  let out = '', last = 0;
  const code = Uint8Array.from(inCode);
  for (const f of withRepeats(plain, code, scan(plain, code), alsoKnown)) {
    const open = `<mark data-finding="${f.kind}" title="${escapeAttr(FINDING_LABELS[f.kind].label)}">`;
    // One <mark> per stretch of HTML that is contiguous text (a finding may cross <em> etc.).
    let i = f.start;
    while (i < f.end) {
      if (to[i] === from[i]) { i++; continue; } // synthetic character: no HTML behind it
      const a = from[i];
      while (i + 1 < f.end && to[i + 1] !== from[i + 1] && from[i + 1] === to[i]) i++;
      const b = to[i++];
      out += html.slice(last, a) + open + html.slice(a, b) + '</mark>';
      last = b;
    }
  }
  return out + html.slice(last);
}
