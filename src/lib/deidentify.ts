/**
 * De-identification hints for stories. Before publishing, the author sees every finding
 * highlighted with a one-click "redact". It only warns, never blocks, so every rule is a
 * small regex or function that can be explained in one sentence (see FINDING_LABELS.why).
 *
 * Performance: every regex starts with a negative lookbehind of its own first character
 * class, so it is only tried at token starts; that keeps scans linear on hostile input
 * (20,000 × "a", "@", "." …).
 *
 * Code (fenced blocks, `inline`, <code>/<pre>) is scanned for everything except handles,
 * names and companies: secrets, hosts and dates often live in code, while `@Override`,
 * `#include` and class names would only be noise.
 */

/** What a finding is; each kind has a label, an explanation and a placeholder in FINDING_LABELS. */
export type FindingKind =
  | 'email' | 'ip' | 'host' | 'phone' | 'secret' | 'account' | 'handle' | 'date' | 'name' | 'company';

/** One match: `text` equals the scanned text's [start, end), offsets in UTF-16 code units. */
export interface Finding {
  kind: FindingKind;
  start: number;
  end: number;
  text: string;
}

/** Human label, one-sentence rule explanation and redaction placeholder per kind. */
export const FINDING_LABELS: Record<FindingKind, { label: string; why: string; placeholder: string }> = {
  email: {
    label: 'E-mail address',
    why: 'An e-mail address can identify you or a colleague.',
    placeholder: '[email]',
  },
  ip: {
    label: 'IP address',
    why: 'Four dotted numbers from 0 to 255, or an IPv6 address, can point to your company’s network.',
    placeholder: '[ip]',
  },
  host: {
    label: 'Link or host name',
    why: 'A link, or a dotted name ending in a real domain (.com, .io …) or an internal one (.internal, .corp …), can reveal where you work.',
    placeholder: '[host]',
  },
  phone: {
    label: 'Phone number',
    why: 'A “+” with a country code, or 9 to 15 digits written in groups, looks like a phone number.',
    placeholder: '[phone]',
  },
  secret: {
    label: 'Secret or access key',
    why: 'This looks like a real key or token (AWS, GitHub, Slack, Stripe, Google, JWT, private key, or a long random string next to “key”, “token”, “password”); rotate it if it was ever real.',
    placeholder: '[secret]',
  },
  account: {
    label: 'Account or project ID',
    why: 'Cloud account numbers, project IDs, ARNs and UUIDs belong to exactly one company.',
    placeholder: '[account-id]',
  },
  handle: {
    label: 'Handle or channel',
    why: 'An @handle or #channel can be searched for and leads back to a person or team.',
    placeholder: '[handle]',
  },
  date: {
    label: 'Exact date',
    why: 'An exact day lets readers match your story to a public outage.',
    placeholder: '[date]',
  },
  name: {
    label: 'Possible name',
    why: 'Two or three capitalised words in the middle of a sentence, or a capitalised word after “my manager”, “named” …, are often a person’s name.',
    placeholder: '[name]',
  },
  company: {
    label: 'Possible company',
    why: 'A capitalised name ending in Inc, Ltd, GmbH, Corp …, or right after “at”, “for” or “joined”, is often an employer.',
    placeholder: '[company]',
  },
};

type Span = [start: number, end: number];

/** Tie-break when two overlapping findings are equally long: lower rank = more specific. */
const RANK: Record<FindingKind, number> = {
  secret: 0, account: 1, email: 2, ip: 3, phone: 4, date: 5, host: 6, handle: 7, company: 8, name: 9,
};

/** Heuristic kinds that only make sense in prose, not in code. */
const PROSE_ONLY: ReadonlySet<FindingKind> = new Set(['handle', 'name', 'company']);

// ---------------------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------------------

/** Real public TLDs seen in stories. File-extension look-alikes (.py .sh .md .rs .pl .so .tf .zip .in .id …) are left out on purpose. */
const TLDS = new Set(
  ('com net org edu gov mil int io dev co ai app cloud tech info biz me tv ly gg fm xyz blog software ' +
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
    'tickets severity oncall'
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
    'english tl dr'
  ).split(/\s+/),
);

/** Tech words that are also common surnames, so "Sarah Jenkins" is still a name. */
const SURNAMES = new Set(['jenkins', 'swift', 'chef', 'grant', 'hill']);

const isNotName = (word: string) => TECH_WORDS.has(word.toLowerCase()) || COMMON_WORDS.has(word.toLowerCase());

/** Words Title Case leaves in lower case. */
const TITLE_SMALL_WORDS = new Set(['and', 'the', 'for', 'but', 'nor', 'yet', 'via', 'per', 'off', 'out', 'its']);

/** Abbreviations whose dot does not end a sentence. */
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'etc', 'vs', 'mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'approx', 'cf']);

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
    re: /(?<![\w-])(?:projects\/|--project[= ]|[Pp]roject(?:[ _-]?[Ii][Dd])?[ \t]*[:=][ \t]*["']?)([a-z][a-z0-9-]{4,28}[a-z0-9])(?![\w-])/g,
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
      return [m.index, trimEnd(text, m.index, m.index + m[0].length)];
    },
  },
  // Dotted names whose last label is a known TLD (lower case, so ASP.NET and file names like config.yaml pass).
  {
    kind: 'host',
    re: /(?<![\w@.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g,
    span: (m) => {
      const labels = m[0].split('.');
      if (!TLDS.has(labels[labels.length - 1])) return null;
      return labels.every((l) => l && !l.startsWith('-') && !l.endsWith('-')) ? whole(m) : null;
    },
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
  { kind: 'date', re: new RegExp(`(?<!\\w)${MONTH}\\.?[ \\t]+${DAY}(?![\\w:]|\\.\\d)(?:,?[ \\t]+${YEAR}(?!\\d))?`, 'g') },
  { kind: 'date', re: new RegExp(`(?<![\\w.])${DAY}(?:[ \\t]+of)?[ \\t]+${MONTH}(?!\\w)(?:,?[ \\t]+${YEAR}(?!\\d))?`, 'g') },

  // --- handles and channels ---
  {
    kind: 'handle',
    re: /(?<![\w@.+\/-])@[A-Za-z_][\w.-]*[A-Za-z0-9_]/g,
    // "@types/node" is an npm scope, "@here" names nobody.
    span: (m, text) =>
      text[m.index + m[0].length] === '/' || NOT_HANDLES.has(m[0].slice(1).toLowerCase()) ? null : whole(m),
  },
  {
    kind: 'handle',
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
// Names and companies from capitalised words
// ---------------------------------------------------------------------------------------

/** A capitalised word: Sarah, McDonald, O'Brien, Smith-Jones. Acronyms (AWS, OK) and "I" never match. */
const CAP = "[A-Z](?:['’][A-Z])?[a-z]+(?:[A-Z][a-z]+)*(?:-[A-Z][a-z]+)?";
/** Runs of capitalised words joined by single spaces; "Node.js" and "@Sarah" are not words. */
const CAP_RUN = new RegExp(`(?<![\\w.@#/-])${CAP}(?:[ \\u00a0]${CAP})*(?![\\w@-]|\\.\\w)`, 'g');
const CAP_WORD = new RegExp(CAP, 'g');
const PERSON_CUE =
  /(?:\b(?:manager|lead|boss|colleague|co-?worker|teammate|mentor|intern|architect|director|named|called|CTO|CEO|CIO|CISO|VP|SRE)[ ,:]+|\b(?:Mr|Mrs|Ms|Dr|Prof)\.? )$/;
const COMPANY_CUE = /\b(?:at|for|joined|join|joining)[ ]+$/i;
const LINE_MARKERS = /^[ \t]*(?:(?:#{1,6}|[-*+]|\d{1,3}[.)]|>)[ \t]+)*["'“‘(\[*_]*$/;

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
  const long = (line.match(/[A-Za-z][A-Za-z'’-]{2,}/g) ?? []).filter((w) => !TITLE_SMALL_WORDS.has(w));
  const caps = long.filter((w) => w[0] >= 'A' && w[0] <= 'Z').length;
  return /^[ \t]*#{1,6}[ \t]/.test(line) || (caps >= 3 && (long.length - caps) * 4 < caps);
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

  for (const run of text.matchAll(CAP_RUN)) {
    // Split the run into segments of consecutive words that are not tech/calendar/sentence words.
    const segments: Span[][] = [[]];
    for (const w of run[0].matchAll(CAP_WORD)) {
      const s = run.index + w.index;
      const seg = segments[segments.length - 1];
      const surname = seg.length === 1 && SURNAMES.has(w[0].toLowerCase());
      if (isNotName(w[0]) && !surname) segments.push([]);
      else seg.push([s, s + w[0].length]);
    }
    for (let words of segments) {
      if (words.length === 0) continue;
      const before = text.slice(Math.max(0, words[0][0] - 40), words[0][0]);
      let kind: FindingKind | null = null;
      if (PERSON_CUE.test(before)) kind = 'name';
      else if (COMPANY_CUE.test(before)) kind = 'company';
      else {
        const { lineStart, title } = lineInfo(words[0][0]);
        // The first word of a sentence is capitalised anyway; only what follows counts.
        if (isSentenceStart(text, words[0][0], lineStart)) words = words.slice(1);
        if (words.length >= 2 && words.length <= 3 && !title) kind = 'name';
      }
      if (!kind) continue;
      words = words.slice(0, 3);
      const start = words[0][0], end = words[words.length - 1][1];
      out.push({ kind, start, end, text: text.slice(start, end) });
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
export function findIdentifyingDetails(text: string): Finding[] {
  return scan(text, markdownCode(text));
}

/** Replaces exactly one finding with its placeholder, or returns null when the text changed since the scan. */
export function redactFinding(text: string, finding: Pick<Finding, 'kind' | 'start' | 'end' | 'text'>): string | null {
  const { start, end } = finding;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > text.length) return null;
  if (text.slice(start, end) !== finding.text) return null;
  return text.slice(0, start) + FINDING_LABELS[finding.kind].placeholder + text.slice(end);
}

/** Replaces every finding with its placeholder (for text we publish on someone else's behalf). */
export function redactAllFindings(text: string): string {
  let result = text;
  // From the end, so earlier offsets stay valid.
  for (const finding of findIdentifyingDetails(text).reverse()) {
    result = result.slice(0, finding.start) + FINDING_LABELS[finding.kind].placeholder + result.slice(finding.end);
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
export function highlightFindingsInHtml(html: string): string {
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
  for (const f of scan(plain, Uint8Array.from(inCode))) {
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
