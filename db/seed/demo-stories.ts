/**
 * Original demo content for an empty database: invented stories of first production incidents,
 * written for this project. No real companies, people, hostnames or addresses appear here.
 */
import type { Experience, Impact, Detection, Outcome, ContentNote } from '../../src/lib/facts';

export interface DemoComment {
  body: string; // Markdown, 1-3 short paragraphs, kind and human
  replyTo?: number; // index into this story's comments array of the parent (must be < own index); omit for top-level
  by: number; // participant number within this story: 0 = the story's author (OP), 1.. = other people
}

export interface DemoStory {
  title: string; // 8-140 chars
  body: string; // Markdown, 400-2500 chars
  tags: string[]; // 1-4 failure-type slugs from src/lib/taxonomy.ts
  lessons: string[]; // 1-5 lessons, each 10-240 chars
  experience?: Experience;
  impact?: Impact;
  detection?: Detection;
  outcome?: Outcome;
  contentNotes?: ContentNote[];
  daysAgo: number; // when it was posted, 0.1 .. 400; all different
  beenThere: number; // how many "been there" reactions to simulate, 0..60
  comments: DemoComment[]; // 0..8 comments
}

export const DEMO_STORIES: DemoStory[] = [
  // 1
  {
    title: 'My terminal was still pointed at production from the morning',
    body: `## What happened

I was four months into my first engineering job. That morning I'd been helping support dig into a billing question, so I ran \`export DATABASE_URL=...\` with the production connection string. Our team had exactly one set of production credentials: the app's own database user, which could do anything.

In the afternoon I wrote a little script to reset my staging environment. Among other things it ran \`TRUNCATE sessions;\`. I ran it from the same terminal. It finished in under a second, which should have been my first clue, because staging was always slow.

## How it was found

About five minutes later the support channel filled up: people logged out in the middle of checkout, carts empty. I scrolled up, saw the \`export\` line from the morning, and felt my whole body go cold.

## How it was fixed

There wasn't much to fix. Every customer had to log in again, and anything kept only in the session (guest carts, mostly) was gone. My lead decided against restoring sessions from a backup — handing out old session tokens again seemed worse than the problem.

## What I learned

I told my lead straight away, voice shaking. Their answer: *"Thanks for telling me fast. Logging in again is annoying, not fatal. Let's make this impossible."* By the end of the week we had a read-only role for investigations, a prompt that turns red when a production URL is set, and this at the top of every script:

\`\`\`python
db = conn.execute("SELECT current_database()").scalar()
if db != args.target:
    sys.exit(f"Refusing: connected to {db}, expected {args.target}")
\`\`\``,
    tags: ['scripting', 'database', 'permissions'],
    lessons: [
      'Never export production credentials into a shell you keep using; open a separate, clearly marked terminal and close it when you are done.',
      'Make destructive scripts print the database they are connected to and refuse to run unless it matches an explicit --target flag.',
      'Use a read-only database role for investigations, so a wrong terminal can only read, never delete.',
      'Tell your lead the moment you suspect it was you; the minutes you save matter more than your pride.',
    ],
    experience: 'lt1',
    impact: 'minutes',
    detection: 'users',
    outcome: 'talk',
    daysAgo: 2.3,
    beenThere: 14,
    comments: [
      {
        by: 1,
        body: `The red prompt trick has saved me more than once. I also change the whole terminal background for production tabs, so even my peripheral vision knows.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `Ooh, the background color is a great idea. Doing that tomorrow. Thank you!`,
      },
      {
        by: 2,
        body: `I did the exact same thing with a Kubernetes context. Deleted a namespace I thought was my local one.

Now \`kubectl config current-context\` is part of my prompt, and I never feel silly about checking it twice.`,
      },
      {
        by: 3,
        replyTo: 2,
        body: `Next level: keep the production kubeconfig in a separate file and never make it the default. You have to pass \`--kubeconfig\` on purpose, every time. Annoying in exactly the right way.`,
      },
      {
        by: 2,
        replyTo: 3,
        body: `That's a good one. Annoying in exactly the right way is the best kind of safety.`,
      },
    ],
  },
  // 2
  {
    title: 'Norway is not false: how one unquoted country code closed a market',
    body: `## What happened

We kept the list of countries we deliver to in a YAML file that the checkout service read at start-up. I was asked to add Norway and Finland, which felt like the easiest ticket of the sprint. Two lines, a quick review, out with the afternoon deploy.

\`\`\`yaml
shipping_countries:
  - SE
  - DK
  - NO
  - FI
\`\`\`

## How it was found

Two days later support forwarded a small pile of emails from Norway: checkout said *"Sorry, we don't deliver to your country yet."* Finland was fine. I stared at that file for a good ten minutes, convinced the bug had to be elsewhere. Then a teammate loaded it in a Python shell:

\`\`\`python
>>> yaml.safe_load(open("shipping.yaml"))["shipping_countries"]
['SE', 'DK', False, 'FI']
\`\`\`

Our loader follows YAML 1.1, where \`NO\` — like \`yes\`, \`off\` and \`on\` — is a boolean. The [YAML 1.2 spec](https://yaml.org/spec/1.2.2/) dropped that rule, but plenty of libraries never followed.

## How it was fixed

Quoting it: \`- "NO"\`. Then the real fix: config is now parsed into a typed schema at start-up, every entry must match \`^[A-Z]{2}$\`, and a boolean stops the boot instead of quietly turning customers away.

## What I learned

Our Norway launch was two days late for a few hundred people. I wrote the postmortem, and my manager made sure the contributing factors were about the loader and the missing validation, not about me. I now quote every string in YAML that could possibly be mistaken for something else. Every single one.`,
    tags: ['yaml'],
    lessons: [
      'Quote every YAML string that could be read as a boolean, number or null: country codes, versions, on/off values.',
      'Validate configuration against a typed schema at start-up so a wrong type stops the deploy instead of reaching customers.',
      'Add a test that loads the real production config files, not only fixtures.',
    ],
    experience: '3-5',
    impact: 'days',
    detection: 'users',
    outcome: 'postmortem',
    contentNotes: ['customers'],
    daysAgo: 45,
    beenThere: 31,
    comments: [
      {
        by: 1,
        body: `The Norway problem! I was bitten by its cousin: \`version: 1.10\` in a CI file became the number \`1.1\`, and we built against the wrong runtime for a week before anyone noticed.`,
      },
      {
        by: 2,
        body: `Practical tip: yamllint has a \`truthy\` rule that flags unquoted yes/no/on/off. We run it in CI on every config repository now.`,
      },
      {
        by: 0,
        replyTo: 1,
        body: `Adding that today, thank you. And thanks for reading — writing this up was oddly therapeutic.`,
      },
    ],
  },
  // 3
  {
    title: 'A single trailing slash in nginx, and every API call returned 404',
    body: `## What happened

I was "tidying up" our nginx config before adding a new upstream. Most of our \`location\` blocks had a trailing slash on \`proxy_pass\`, one didn't, and it bothered me. So in the same PR as my real change, I made them consistent:

\`\`\`nginx
location /api/ {
    proxy_pass http://api_backend/;   # was: http://api_backend;
}
\`\`\`

\`nginx -t\` said the syntax was fine. The reload went through cleanly.

## How it was found

Three minutes later our 4xx alert fired. Every API call was a 404. When \`proxy_pass\` includes a URI — even just \`/\` — nginx replaces the matching part of the location, so \`/api/orders\` arrives upstream as \`/orders\`. Our backend routes all start with \`/api\`. It's right there in the nginx documentation for \`proxy_pass\`, which I had not read.

## How it was fixed

\`git revert\` on the config repo and a reload. Twenty-two minutes end to end, most of it me refusing to believe a single slash could be the problem.

## What I learned

My lead said everyone learns about that slash exactly once, and then told me about the time they did. No drama. We added a smoke test that curls a few real API paths against a staging reload before production ever gets the config, and I stopped mixing cosmetic cleanups into functional changes.`,
    tags: ['yaml', 'network'],
    lessons: [
      '`nginx -t` only checks syntax; test the behavior with real requests against a staging reload before touching production.',
      'In proxy_pass, a trailing slash (any URI part) rewrites the path; read the docs for every directive you "tidy".',
      'Keep cosmetic cleanups out of functional changes; they hide the risky line in the diff.',
    ],
    experience: '1-2',
    impact: 'hour',
    detection: 'alert',
    outcome: 'nothing',
    daysAgo: 12.5,
    beenThere: 22,
    comments: [
      {
        by: 1,
        body: `I did the exact opposite once: removed the slash and broke the only service that *needed* the prefix stripped. The slash giveth, the slash taketh away.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `Ha! Honestly that makes me feel better. Symmetric suffering.`,
      },
    ],
  },
  // 4
  {
    title: "We cached the account menu. With someone else's name in it.",
    body: `## What happened

I had a ticket to make our product pages faster. They were rendered on the server and never cached, so I added one line to the handler:

\`\`\`js
res.set('Cache-Control', 'public, max-age=600');
\`\`\`

It was dramatically faster in staging, and the PR got approved with a 🎉. What none of us remembered was that the page header — also server-rendered — showed the logged-in customer's first name and cart count. Staging's CDN skipped caching whenever a cookie was present, so we never saw it.

## How it was found

Within the hour, chat support got the strangest messages: *"Why does your site think my name is someone else's?"* The first visitor after each cache miss had their name baked into the cached HTML, and for ten minutes everyone who opened that product page saw it.

## How it was fixed

We purged the CDN and changed the header to \`private, no-store\`. Later we split the page: a public, cacheable shell and a small uncached endpoint for the account menu. The exposure was first names and cart counts; our privacy team assessed it and we contacted the affected customers.

## What I learned

I wrote the postmortem, and my manager sat next to me while I did. One line in it still matters to me:

> The engineer did exactly what the ticket asked. The ticket, the review and the staging setup all assumed the page was anonymous. It wasn't.

I didn't feel great for a while. But I have never again looked at a \`Cache-Control\` header without asking what the response read in order to render itself.`,
    tags: ['cache', 'deploy'],
    lessons: [
      'Never mark a response `public` if any part of it was rendered using a cookie or a session.',
      "Make staging's CDN behave like production's, or you are not testing caching at all.",
      'Default to `private, no-store` in the framework and make public caching an explicit opt-in per route.',
    ],
    experience: '3-5',
    impact: 'hour',
    detection: 'users',
    outcome: 'postmortem',
    contentNotes: ['customers'],
    daysAgo: 88,
    beenThere: 38,
    comments: [
      {
        by: 1,
        body: `That blockquote is what every postmortem should sound like. Good on your manager.`,
      },
      {
        by: 2,
        body: `Tip from our side: we add \`Vary: Cookie\` as a safety net, and the CDN has a rule that refuses to cache any response that also sets a cookie. Belt and braces.`,
      },
      {
        by: 3,
        replyTo: 1,
        body: `Careful with a blanket \`Vary: Cookie\` on a CDN, though: with analytics cookies everyone's cookie header is unique and your hit rate drops to almost zero. A rule keyed on the session cookie specifically worked better for us.`,
      },
      {
        by: 2,
        replyTo: 2,
        body: `Fair point, we only bypass on the session cookie name. Should have said that.`,
      },
      {
        by: 0,
        body: `Thank you all. It took me a while to stop flinching at the word "cache", but I'm there now.`,
      },
    ],
  },
  // 5
  {
    title: 'Every cache key expired at once, on the night of the big sale',
    body: `## What happened

I had written our cache warm-up job years before. Every night after the catalog import it precomputed listing pages into Redis:

\`\`\`
SET listing:{category}:{page} <html> EX 86400
\`\`\`

Because the job ran in the same twenty-minute window every night, the keys also *expired* in that window every night. It never mattered, since the job refreshed them first. Then marketing launched a sale at midnight, the import ran late, and the warm-up hadn't started when roughly two hundred thousand keys expired under peak traffic. Every miss ran the same heavy query against PostgreSQL.

## How it was found

The database CPU alert fired a few minutes after midnight. Soon p99 latency was thirty seconds, and the checkout pods were failing health checks because they shared the same connection pool.

## How it was fixed

We switched on a degraded mode that served category pages without recommendations, then ran the warm-up by hand with a concurrency limit so it didn't add to the pile. About forty minutes in total. Afterwards:

- TTLs get random jitter: \`EX 86400 + rand(0, 7200)\`.
- A per-key lock (\`SET lock:{key} 1 NX EX 30\`) so only one request recomputes a missing page; the others get the stale copy.
- A load test that starts from an *empty* cache.

## What I learned

I'd explained cache stampedes in interviews — as the interviewer. Being senior doesn't make you immune; it just means you know the name of the thing that is happening to you. My postmortem was the most-read one that quarter, mostly because I titled it "I wrote this bug four years ago".`,
    tags: ['cache', 'database', 'background-jobs'],
    lessons: [
      'Add random jitter to TTLs so keys written together do not expire together.',
      'Protect expensive recomputations with a per-key lock or request coalescing, so one miss never becomes a thousand queries.',
      'Load test from a cold cache: if the answer is "the database falls over", the cache is load-bearing and needs a plan.',
    ],
    experience: '6-10',
    impact: 'hour',
    detection: 'alert',
    outcome: 'postmortem',
    daysAgo: 130,
    beenThere: 27,
    comments: [
      {
        by: 1,
        body: `"I wrote this bug four years ago" is the most senior postmortem title I have ever seen.`,
      },
      {
        by: 2,
        body: `+1 on testing from a cold cache. We found ours during a game day, thankfully, not on a sale night. Serving stale while one request refreshes made the biggest difference for us.`,
      },
    ],
  },
  // 6
  {
    title: 'We moved DNS providers and forgot the records on page two',
    body: `## What happened

We were moving our DNS to a new provider. It felt like a small job: copy the records across, switch the nameservers, done. I did it by hand from the old provider's console, which showed twenty-five records per page. I didn't notice there *was* a second page. That's where the MX records and a couple of TXT records lived.

I switched the nameservers on a Thursday afternoon.

## How it was found

On Monday a colleague in sales asked, quite politely, whether anyone else had stopped getting replies from customers. Nobody had received a single external email since Friday. \`dig +short MX\` on our domain returned… nothing.

## How it was fixed

Adding the MX records took five minutes. Getting mail flowing again took much longer, because resolvers had cached the empty answer. Most senders' servers kept retrying and delivered eventually; some gave up and bounced. We emailed our biggest customers and asked them to resend anything important.

## What I learned

- Export the zone file from the old provider and import it; don't retype records.
- Before switching nameservers, query every record type against *both* providers and diff the output.
- Lower the TTLs a day or two before any migration.

My lead took me out for a coffee and admitted he'd estimated the ticket at half an hour and never asked for a checklist. Then we wrote one together. It's been used three times since, without drama.`,
    tags: ['dns', 'email'],
    lessons: [
      'Migrate DNS by exporting and importing the zone file, never by retyping records from a console.',
      'Before switching nameservers, query every record type against both the old and new provider and diff the answers.',
      'Lower TTLs a day or two before a DNS migration so mistakes are cheap to correct.',
    ],
    experience: '1-2',
    impact: 'days',
    detection: 'colleague',
    outcome: 'talk',
    daysAgo: 21,
    beenThere: 19,
    comments: [
      {
        by: 1,
        body: `Paginated DNS consoles should be illegal. Thanks for the checklist, I'm stealing it for our migration next month.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `Please do! Add "check CAA and SRV records" too — we very nearly missed those as well.`,
      },
      {
        by: 2,
        body: `Half-hour estimates for DNS migrations: the oldest lie in our industry. Kind of your lead to own that.`,
      },
    ],
  },
  // 7
  {
    title: 'The DNS record nobody used (except 18% of our mobile users)',
    body: `## What happened

We were cleaning up our Terraform-managed DNS zone. One record, \`api-v1\`, was a CNAME to a load balancer we were about to retire. I searched every repository in the organization: no references. It went out in a PR titled "remove legacy DNS".

## How it was found

An hour later the mobile error-rate alert fired. Older versions of our app — about 18% of active users, who never update — had \`api-v1\` compiled right into the binary. The source for those versions lived on a branch that had been deleted long ago, which is why my search found nothing.

## How it was fixed

We re-created the record within fifteen minutes. The outage lasted three more hours anyway: resolvers had cached the NXDOMAIN, and the negative-caching TTL in our SOA record was set to three hours. I learned what the last number in an SOA record means that afternoon.

## What I learned

Nobody was upset with me. My manager said the search was a reasonable check, and the real gap was that we had no way to see traffic by hostname. Now we look at load balancer logs for requests to a name over the last thirty days before removing it, we keep the SOA negative TTL at five minutes, and "unused" means *no traffic*, not *no code*.`,
    tags: ['dns', 'cloud'],
    lessons: [
      'Decide whether something is unused from its traffic (logs, metrics), not from a code search.',
      "Check your zone's negative-caching TTL before deleting records: a deleted name can stay broken long after you restore it.",
      'Old mobile app versions live forever; keep a dashboard of traffic per app version before removing any endpoint.',
    ],
    experience: '3-5',
    impact: 'hours',
    detection: 'alert',
    outcome: 'nothing',
    daysAgo: 175,
    beenThere: 12,
    comments: [
      {
        by: 1,
        body: `TIL about negative caching in the SOA record. I've had "I fixed it but it's still broken" DNS moments for years, and this explains at least two of them.`,
      },
      {
        by: 2,
        body: `Old mobile clients are the ghosts of infrastructure. We keep a traffic-per-app-version dashboard for exactly this reason.`,
      },
    ],
  },
  // 8
  {
    title: 'Security hardening, step one: break every product image',
    body: `## What happened

I picked up a security ticket: *"Enable block public access for object storage at account level."* Our security scanner had been flagging it for months. I read what the setting did, it sounded unambiguously good, and I switched it on from the console at ten in the morning. The red warnings disappeared. I felt very responsible.

What I didn't know: our product images and user avatars were served straight out of an S3 bucket using public-read object ACLs. The account-level setting overrides those.

## How it was found

Customers, via support chat: "Your website looks broken." Every image was a grey box, and in the browser's network tab every image request was a \`403\`.

## How it was fixed

We turned the setting off for that one bucket, leaving it on everywhere else, and the images came back — about fifty minutes from start to finish. The proper fix took a sprint: put the bucket behind the CDN with origin access, so nothing needs to be public at all.

## What I learned

My manager's take helped a lot: the ticket was right, and I'd done exactly what it said. What was missing was an inventory of what relied on public access. Before revoking any access now, I check the access logs for who is actually using it, and I apply the change to one resource before the whole account.`,
    tags: ['permissions', 'cloud', 'storage'],
    lessons: [
      'Before revoking access, check the access logs to see who is actually using it.',
      'Roll out permission changes to one resource first, then widen; account-wide switches have account-wide blast radius.',
      'Serve public assets through a CDN with origin access so the storage itself never needs to be public.',
    ],
    experience: '1-2',
    impact: 'hour',
    detection: 'users',
    outcome: 'talk',
    daysAgo: 6.2,
    beenThere: 25,
    comments: [
      {
        by: 1,
        body: `This is the most relatable security ticket story ever. The scanner goes green, the website goes grey.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `"The scanner goes green, the website goes grey" — I'm putting that on a mug.`,
      },
      {
        by: 2,
        body: `Your manager's framing is spot on. A control change without an inventory of what depends on it is a coin toss, whoever does it.`,
      },
    ],
  },
  // 9
  {
    title: 'Twenty-three days without a backup, and the job said success every night',
    body: `## What happened

I was cleaning up permissions on our backup storage. A role with write access looked like it belonged to a service we had shut down, so I removed its write permission. It actually belonged to the nightly backup job. The script looked like this:

\`\`\`bash
#!/bin/bash
pg_dump "$DB_URL" | gzip > /var/backups/latest.sql.gz
rclone copy /var/backups/latest.sql.gz "offsite:db/$(date +%F)/"
rm /var/backups/latest.sql.gz
\`\`\`

No \`set -e\`. The upload failed every night with a permission error, the script carried on, the \`rm\` succeeded, and the job exited 0. Our monitoring checked the exit code. Green, every night.

## How it was found

Twenty-three days later I was running our quarterly restore drill, and the newest backup was three weeks old. I remember reading the date three times.

## How it was fixed

We restored the permission and took a manual backup within the hour. Nothing was lost, because nothing had gone wrong in those three weeks. That's luck, not engineering.

## What I learned

- Scripts start with \`set -euo pipefail\`. No exceptions.
- Monitor the *result*: we now alert if the newest object in the backup bucket is older than 26 hours.
- Restore drills are the only backup test that counts.

I wrote the postmortem and presented it at the engineering all-hands. Two other teams found the same pattern in their own jobs that week.`,
    tags: ['permissions', 'background-jobs', 'storage'],
    lessons: [
      'Start every shell script with `set -euo pipefail` so a failed step fails the job.',
      'Monitor the artifact, not the job: alert when the newest backup is older than expected.',
      'Run restore drills on a schedule; a backup you have never restored is a hope, not a backup.',
      'Before removing a permission, find every job that uses the role, including the ones that only run at night.',
    ],
    experience: '6-10',
    impact: 'days',
    detection: 'myself',
    outcome: 'postmortem',
    daysAgo: 240,
    beenThere: 44,
    comments: [
      {
        by: 1,
        body: `Going to check our backup script right now. Be right back.`,
      },
      {
        by: 1,
        replyTo: 0,
        body: `…it had no \`set -e\`. Thank you, genuinely.`,
      },
      {
        by: 0,
        replyTo: 1,
        body: `That's the best possible outcome of posting this. 💛`,
      },
      {
        by: 2,
        body: `Monitoring the artifact instead of the job is such an underrated idea. Exit codes lie; timestamps don't.`,
      },
    ],
  },
  // 10
  {
    title: 'kubectl rollout restart, and the image tag that had moved',
    body: `It was my third week. I'd changed a value in a ConfigMap and, like the runbook said, ran \`kubectl rollout restart deployment/shop-api\` to pick it up.

What the runbook didn't say was that our deployment used \`image: shop-api:latest\` with \`imagePullPolicy: Always\`, and that our CI pipeline tagged *every* build as \`latest\` — including feature branches. An hour earlier, someone's experimental branch had built. My restart pulled it.

## How it was found

We had no readiness probe, so the new pods took traffic as soon as they started, crashed, restarted, and crashed again. The error-rate alert fired about two minutes in.

## How it was fixed

First I tried \`kubectl rollout undo\`. It did nothing useful, because the previous ReplicaSet *also* said \`:latest\`. A senior engineer jumped on a call with me, found the last good commit SHA in the CI history, and ran \`kubectl set image\` with that exact tag. Twelve minutes in total.

## What I learned

Mutable tags make rollbacks a lie. We now deploy by image digest, CI only pushes \`latest\` from the main branch (and nothing reads it), every deployment has a readiness probe, and I added a line to the runbook about what "restart" actually does.`,
    tags: ['deploy'],
    lessons: [
      'Never deploy mutable image tags; pin an immutable tag or digest so restarts and rollbacks are predictable.',
      'A rollback only helps if the previous version is actually different; check what the old ReplicaSet points at.',
      'Add readiness probes so broken pods never receive traffic.',
    ],
    experience: 'lt1',
    impact: 'minutes',
    detection: 'alert',
    daysAgo: 0.4,
    beenThere: 3,
    comments: [
      {
        by: 1,
        body: `\`rollout undo\` back to the same mutable tag — I've watched seniors lose an hour to that. Twelve minutes in your third week is pretty good going.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `That's kind, thank you. It felt like twelve hours.`,
      },
    ],
  },
  // 11
  {
    title: 'Rolling back made it worse',
    body: `## What happened

Our release included two things: a rewrite of invoice PDF generation, and a cleanup migration, since the new code no longer touched an old column: \`ALTER TABLE invoices DROP COLUMN legacy_status;\`

The migration ran, the new code deployed, and PDF generation started throwing for customers with an old kind of tax setting.

## How it was found

Our error alert fired within minutes. The runbook said: if a release causes errors, roll back first and investigate later. So I rolled back.

## How it was fixed

Rolling back made everything worse. The old code's ORM model still mapped \`legacy_status\`, so *every* query on invoices failed — not just PDFs, the whole billing page. We'd gone from "some PDFs fail" to "nobody can see invoices".

It took me an embarrassingly long twenty minutes to understand why. Then:

1. \`ALTER TABLE invoices ADD COLUMN legacy_status text;\` so the old code could at least read.
2. Fix the PDF bug and roll *forward*.
3. Drop the column again, properly, a release later.

Two and a half hours in total.

## What I learned

Our runbook assumed every deploy can be rolled back. A destructive migration quietly breaks that promise. Now we use expand/contract: the code stops using a column in one release, and the column is dropped in a later one. The postmortem was blameless and mostly about the runbook, which my manager insisted on.`,
    tags: ['deploy', 'migration', 'database'],
    lessons: [
      'Never ship a destructive migration in the same release as the code change that makes it possible; drop columns a release later.',
      'Before rolling back, check whether the database has changed in a way the old code cannot handle.',
      'Write down in the runbook which releases are not safely reversible.',
    ],
    experience: '3-5',
    impact: 'hours',
    detection: 'alert',
    outcome: 'postmortem',
    daysAgo: 64,
    beenThere: 35,
    comments: [
      {
        by: 1,
        body: `"Roll back first" is a great default until the database has moved on without you. Expand/contract should be taught in school.`,
      },
      {
        by: 2,
        replyTo: 0,
        body: `We added a CI check that fails any migration containing \`DROP COLUMN\` unless the PR carries a \`contract-phase\` label. Crude, but it works.`,
      },
      {
        by: 1,
        replyTo: 1,
        body: `Crude is fine! Crude and enforced beats elegant and optional.`,
      },
      {
        by: 0,
        replyTo: 2,
        body: `Both of these are going on the agenda for our next platform meeting. Thank you.`,
      },
    ],
  },
  // 12
  {
    title: 'Twelve pods, one data migration, four copies of every pricing plan',
    body: `## What happened

Our migrations ran at application start: the container entrypoint called \`migrate up\` and then started the server. I wrote a data migration to add our new pricing plans:

\`\`\`sql
INSERT INTO plans (name, price_cents) VALUES
  ('Starter', 900), ('Team', 2900), ('Business', 7900);
\`\`\`

We ran twelve replicas. The migration tool recorded a version only *after* a migration finished, and it didn't take any lock. Four pods started within the same second, all saw the migration as pending, and all ran it.

## How it was found

Users asked support which of the four "Starter" plans they should pick. A few had already subscribed to the duplicates, which our billing system had never heard of.

## How it was fixed

We hid the duplicates, remapped 31 subscriptions to the real plan ids, and deleted the extras. Then:

- a unique constraint on \`plans.name\`,
- migrations run once, in a separate job, before the rollout starts,
- the runner takes \`pg_advisory_lock\` so two copies can never run together.

## What I learned

I was sure I'd be in trouble. My lead pointed out that the race had been in our setup for two years, and that mine was simply the first migration that wasn't idempotent by accident. *"You didn't create the bug. You found it, expensively."* I still think about that sentence.`,
    tags: ['migration', 'deploy'],
    lessons: [
      'Run migrations once, in a dedicated step before the rollout, not from every replica at start-up.',
      'Make the migration runner take a lock (for example pg_advisory_lock) so two copies can never run at once.',
      'Back data invariants with constraints: a unique index would have turned duplicates into a failed deploy.',
    ],
    experience: '1-2',
    impact: 'hour',
    detection: 'users',
    outcome: 'talk',
    daysAgo: 33,
    beenThere: 17,
    comments: [
      {
        by: 1,
        body: `"You didn't create the bug. You found it, expensively." Writing that on a sticky note for the next junior who needs it.`,
      },
      {
        by: 2,
        body: `We had the same race with a cron-based migrator. An advisory lock is the cheapest insurance there is.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `My lead will be very smug if they ever read this thread. Deservedly.`,
      },
    ],
  },
  // 13
  {
    title: 'I shifted every appointment by two hours. Then the deploy did it again.',
    body: `## What happened

I work on a booking product for small businesses — hairdressers, physical therapists, that kind of thing. Appointments created through one old form had been stored two hours off, so I wrote a data fix:

\`\`\`sql
UPDATE appointments
SET starts_at = starts_at - interval '2 hours'
WHERE source = 'legacy_form';
\`\`\`

I put it in the migrations folder for the next release. Then, because customers were complaining *that day*, I also ran it by hand on production on Tuesday evening. On Wednesday, the deploy's migration runner — which had no idea I'd done that — ran it again.

## How it was found

Thursday morning, reminder texts told customers the wrong time. People turned up two hours early, or missed their appointments entirely. The businesses called support, understandably upset.

## How it was fixed

We had an \`appointment_events\` table recording every change, so I could rebuild the correct times with a join against each appointment's original event. It took most of the day, with a teammate checking every step before it ran. Support called the businesses that had been hit hardest.

## What I learned

I got a formal warning: running unreviewed SQL against production was against a written policy I had signed. It stung, and I spent a weekend convinced I'd be next out the door. I wasn't. The process changed too — nobody has write access by hand any more, and one-off fixes go through a reviewed job runner. The fix itself should have been idempotent from the start: it should have selected rows by the state it expected, not only by where they came from.`,
    tags: ['migration', 'database'],
    lessons: [
      'Make data fixes idempotent: select rows by the state you expect to change, so a second run does nothing.',
      'Never run by hand something that will also run automatically later.',
      'Keep an append-only history of important records; it turns a disaster into a long day.',
    ],
    experience: '3-5',
    impact: 'day',
    detection: 'users',
    outcome: 'warning',
    contentNotes: ['customers'],
    daysAgo: 150,
    beenThere: 29,
    comments: [
      {
        by: 1,
        body: `Formal warnings feel like the end of the world when they happen. You're still there and the process got better — that's the part of the story that matters.`,
      },
      {
        by: 2,
        body: `The events table is the quiet hero of this story. Whoever designed that deserves a cake.`,
      },
      {
        by: 0,
        replyTo: 1,
        body: `They got one! Literally. It was a lemon cake.`,
      },
    ],
  },
  // 14
  {
    title: 'I tightened the database firewall, and it took thirty minutes to break',
    body: `## What happened

Our database's security group allowed port 5432 from the whole VPC range. A security review flagged it, and I took the ticket: narrow it to the app subnet only. I copied the subnet range from our network docs, ran \`terraform plan\`, showed the diff to a teammate, and applied.

The docs were out of date. The range I used belonged to the subnet our app nodes had been moved *out of* a month earlier.

## How it was found

Nothing happened for about half an hour — which is why I thought I'd made a clean change. Security groups track existing connections, so our pooled connections kept working. Then the pool started recycling connections (\`max_lifetime\` was 30 minutes), every new connection timed out, and the error alert fired.

## How it was fixed

Once I realized the timing lined up with my apply, reverting took two minutes. Afterwards we replaced the hard-coded range with a reference to the app nodes' security group, so the rule follows the app wherever it moves.

## What I learned

Nobody made a big deal of it. The review caught what it could: the diff looked right. The lesson for me was that "nothing broke right away" is not proof, especially with anything stateful. After a network change I now watch the dashboards for at least a full connection lifetime, not five minutes.`,
    tags: ['network', 'cloud'],
    lessons: [
      'Reference security groups or labels in firewall rules instead of copying address ranges from documentation.',
      'After a network change, watch for at least one full connection lifetime; pooled connections hide breakage.',
      'Treat network docs as a hint, not a source of truth; check the live configuration before you rely on it.',
    ],
    experience: '1-2',
    impact: 'hour',
    detection: 'alert',
    outcome: 'nothing',
    daysAgo: 9.8,
    beenThere: 11,
    comments: [],
  },
  // 15
  {
    title: 'Renaming /healthz to /health: a cautionary tale',
    body: `## What happened

Six months into my first job, I was refactoring our route definitions and noticed we had both \`/health\` and \`/healthz\`. Redundant! I removed \`/healthz\` and pointed everything in the repo at \`/health\`. Tests passed, review passed, the deploy went out.

The load balancer's target group was configured in a different repository, and it probed \`/healthz\`.

## How it was found

After three failed checks in a row, the load balancer marked every instance unhealthy and started returning \`503\` to everyone. Our uptime alert fired about a minute and a half after the deploy finished.

## How it was fixed

My lead saw it in the alert channel before I did and asked, "Did anything touch health checks?" I knew immediately. We rolled back, which brought \`/healthz\` back, and then waited for instances to pass three checks in a row. About twenty-five minutes in total.

## What I learned

We had a short talk afterwards. My lead said the real problem was a contract living in two repositories with nothing tying them together, and that I'd just been the first person to pull on it. Now the health check path is defined once, next to the app, and a test fails if that route ever disappears.`,
    tags: ['network', 'deploy'],
    lessons: [
      'Before removing an endpoint, search the infrastructure config too: load balancers, monitors and status pages call things.',
      'Keep the health check path defined next to the application and test that the route exists.',
      'A contract split across two repositories needs a test that ties them together.',
    ],
    experience: 'lt1',
    impact: 'hour',
    detection: 'alert',
    outcome: 'talk',
    daysAgo: 3.1,
    beenThere: 16,
    comments: [
      {
        by: 1,
        body: `Health checks configured in a different repo from the app is the root of so much evil.`,
      },
      {
        by: 2,
        body: `When I was new, I deleted an "unused" endpoint that turned out to be our status page's only probe. The status page said everything was down while everything was fine. Somehow that was worse.`,
      },
      {
        by: 0,
        replyTo: 1,
        body: `Oh no, that's almost funnier. Thanks for sharing, it helps.`,
      },
    ],
  },
  // 16
  {
    title: 'LOG_LEVEL=debug, a Friday, and a full disk by Saturday morning',
    body: `## What happened

We were a small team, and our database and app shared a single VM — not ideal, but it worked. On a Friday afternoon I was chasing a bug and set \`LOG_LEVEL=debug\` in the app's environment file. Found the bug, fixed it, went home happy. I forgot to set the level back.

Debug logging wrote every SQL query with its parameters. The log file lived on the same disk as the PostgreSQL data directory.

## How it was found

At six on Saturday morning the disk hit 100%. PostgreSQL couldn't write its WAL and shut down with a \`PANIC\`. The site-down alert woke my lead, who then woke me, very kindly.

## How it was fixed

\`\`\`bash
df -h
du -sh /var/log/app/*
: > /var/log/app/app.log   # truncate, don't rm: the app still holds the file open
\`\`\`

Then we started PostgreSQL, which recovered on its own from the WAL, and put the log level back to \`info\`. The site was down for about three hours, mostly the time it took to wake up and work out what had happened.

## What I learned

- Logs and databases on separate volumes.
- \`logrotate\` with size limits, not just daily rotation.
- A disk alert at 80%, not only the site-down alert.
- Temporary debug settings get a reminder, or better, an expiry.

On Monday my lead said in stand-up that the missing disk alert was a team problem. I'd spent the whole weekend dreading that stand-up.`,
    tags: ['storage', 'database'],
    lessons: [
      'Keep logs on a different volume from the database so a noisy log cannot stop the database.',
      'Rotate logs by size as well as by time, and alert on disk usage well before it reaches 100%.',
      'Truncate a log that a process still holds open instead of deleting it, or the space is never freed.',
      'Give temporary debug settings an expiry or a reminder, so they cannot outlive the bug.',
    ],
    experience: 'lt1',
    impact: 'hours',
    detection: 'alert',
    outcome: 'talk',
    daysAgo: 27,
    beenThere: 33,
    comments: [
      {
        by: 1,
        body: `\`: > file\` instead of \`rm\` is such an important trick. I once deleted a huge log and the disk stayed full because the process still had it open. Spent an hour deeply confused.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `Yes! That's exactly why my lead showed me. Apparently \`lsof +L1\` finds those deleted-but-still-open files.`,
      },
      {
        by: 2,
        body: `Your lead saying it out loud at stand-up is the kind of thing I hope I remember to do when I'm the senior one.`,
      },
    ],
  },
  // 17
  {
    title: "I formatted the wrong disk and lost my job. I'm okay now.",
    body: `## What happened

I was working at a small agency, and one client's online shop ran on a single VM. My task was to add a second disk for logs. My notes from the day before said the new disk was \`/dev/sdb\`. The VM had been rebooted overnight for updates, and on that platform the device names came back in a different order: the new disk was now \`/dev/sdc\`, and \`/dev/sdb\` held every uploaded product image.

That disk was mounted by device name in \`/etc/fstab\`, so after the reboot the mount had quietly failed. It wasn't mounted, which is the only reason \`mkfs.ext4 /dev/sdb\` worked.

\`mkfs\` warned that the device already contained an ext4 filesystem and asked whether to proceed. I assumed it was left over from the provider's image and typed \`y\`.

## How it was found

By me, about ten minutes later, when the shop showed broken images everywhere and \`lsblk -f\` showed a brand-new empty filesystem where the photos used to be.

## How it was fixed

Mostly, it wasn't. Our newest backup was nine days old. The client's staff re-uploaded what they could over the following week.

## What happened to me

I was let go two weeks later. The owner said the client relationship needed "a visible consequence". I was devastated for a couple of months, and I won't pretend otherwise.

A year on, I'm at a company with an actual ops team, and I've told this story in an interview. The interviewer told me theirs back. If you're reading this after losing a job over a mistake: it is survivable. The command was mine; the missing backups, the device names in fstab and the single VM were not only mine.`,
    tags: ['storage'],
    lessons: [
      'Mount disks by UUID or label in fstab, never by device name; names can change between boots.',
      'Run `lsblk -f` immediately before any mkfs, and read every warning it gives you as if it were true.',
      'Check when the last restorable backup was taken before you touch a disk.',
    ],
    experience: '1-2',
    impact: 'days',
    detection: 'myself',
    outcome: 'fired',
    contentNotes: ['data-loss', 'lost-job', 'customers'],
    daysAgo: 310,
    beenThere: 58,
    comments: [
      {
        by: 1,
        body: `Thank you for writing this. I lost a job over an outage early in my career, and for years I told nobody. It's survivable — you're proof.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `Thank you for saying that. It still stings some days, but less every month.`,
      },
      {
        by: 2,
        body: `Device names changing after a reboot have bitten so many people. UUIDs or labels in fstab, always.`,
      },
      {
        by: 3,
        body: `"A visible consequence" is not a reason I'd accept. You were the last hand on a system with no recent backups and no second pair of eyes. Glad you landed somewhere better.`,
      },
      {
        by: 0,
        replyTo: 3,
        body: `I've made my peace with it, mostly. But yes, the new place does things very differently, and I sleep better.`,
      },
    ],
  },
  // 18
  {
    title: '* 2 * * * does not mean "once at 2 a.m."',
    body: `## What happened

We had a job that emailed customers three days before their subscription renewed. I moved it to 2 a.m. to get it out of the way of our busiest hours, and changed the schedule to:

\`\`\`
* 2 * * *
\`\`\`

That is not "at 2 a.m.". That is *every minute* from 2:00 to 2:59. I knew that, in theory. I'd have told you so in an interview.

On its own it might have been harmless, because the job skipped customers who had already been reminded. But the \`reminded_at\` column was only updated after the whole batch finished sending, and each run took longer than a minute. So every run saw everyone as not yet reminded.

## How it was found

Customers in other time zones started replying — some politely, some not — around 2:20. Support paged on-call, who disabled the job at 2:41. Some people got thirty-eight copies of the same email.

## How it was fixed

Disabling the job, fixing the schedule to \`0 2 * * *\`, and making the job mark each customer as reminded *before* sending, inside a lock so two runs can never overlap. We sent one apology email — exactly one — and support handed out a small credit.

## What I learned

I now paste every cron expression into an online cron explainer before committing and read the sentence it gives back out loud. My manager's only comments in our one-on-one were that the overlap bug was older than me, and that the on-call person fixing it at 2 a.m. was the system working, not a reason for me to feel guilty for a week.`,
    tags: ['background-jobs', 'email'],
    lessons: [
      'Check every cron expression with a tool that reads it back in plain language before committing it.',
      'Mark a message as sent before sending it when duplicates hurt more than a rare miss.',
      'Wrap scheduled jobs in a lock so a slow run can never overlap the next one.',
    ],
    experience: '1-2',
    impact: 'hour',
    detection: 'users',
    outcome: 'talk',
    contentNotes: ['customers'],
    daysAgo: 52,
    beenThere: 41,
    comments: [
      {
        by: 1,
        body: `Having a tool read the cron expression back in plain English has saved me more times than I can count.`,
      },
      {
        by: 2,
        body: `The "mark as done before sending" bit is the real lesson here. At-most-once for reminders, at-least-once for things that actually matter.`,
      },
      {
        by: 3,
        replyTo: 1,
        body: `And a lock so runs can't overlap. We put \`flock -n /tmp/reminders.lock\` right in the crontab line for anything that might run long.`,
      },
      {
        by: 2,
        replyTo: 2,
        body: `Oh, \`flock -n\` is neat. Much simpler than what we do. Stealing it.`,
      },
    ],
  },
  // 19
  {
    title: 'One webhook with a comma in it stalled our whole queue',
    body: `## What happened

Our shipping partner sent us webhooks with parcel updates, which we put on a queue for workers to process. I had written the consumer. On error it did the "safe" thing:

\`\`\`python
except Exception:
    channel.basic_nack(delivery_tag, requeue=True)
\`\`\`

One day the partner started sending weights formatted as \`"12,5"\` from one of their warehouses. Our parser threw. The message went straight back onto the queue, was picked up immediately, threw again, and so on — thousands of times per second, on every worker.

## How it was found

An alert on queue depth. By the time I looked, there were about two million messages behind the poisoned ones, the workers were at 100% CPU, and order confirmations (same workers, different queue) were delayed by over an hour.

## How it was fixed

We deployed a patch that logged and acknowledged any message that failed to parse, then let the backlog drain, which took about four hours. The real fix:

- a retry count in a message header, exponential backoff, and a dead-letter queue after five attempts,
- separate worker pools for partner webhooks and our own order events,
- a parser that accepts both decimal separators, and a contract test with the partner's sample payloads.

## What I learned

\`requeue=True\` on every error is not safe; it's an infinite loop with extra steps. And any input from a third party will one day arrive in a format you didn't imagine. My postmortem got a lot of "we do this too" comments from other teams.`,
    tags: ['background-jobs', 'third-party'],
    lessons: [
      'Never requeue a failed message unconditionally; count retries, back off, and dead-letter after a few attempts.',
      'Give third-party input its own worker pool so one bad partner cannot delay your own customers.',
      'Write contract tests from real partner payloads, and assume their format will change without notice.',
    ],
    experience: '3-5',
    impact: 'hours',
    detection: 'alert',
    outcome: 'postmortem',
    daysAgo: 198,
    beenThere: 20,
    comments: [
      {
        by: 1,
        body: `"An infinite loop with extra steps" 😂 I have built exactly that loop. Twice.`,
      },
      {
        by: 2,
        body: `Separate worker pools per source is so underrated. We learned it the same way.`,
      },
    ],
  },
  // 20
  {
    title: '[PREVIEW] Lorem ipsum, sent to fourteen thousand customers',
    body: `## What happened

We had a script for previewing newsletter templates. You ran it with \`--to\` and your own address, and it sent you a rendered copy. I was in my second month and had used it a dozen times.

That day I ran \`python send_newsletter.py --template spring-sale\`.

I forgot \`--to\`. Apparently nobody had ever forgotten it before, because nobody knew what the script did without it: it fell back to the default audience. All fourteen thousand subscribers, placeholder text and all.

## How it was found

Within a minute the replies started arriving. *"I think you sent this by mistake?"* *"Is Lorem Ipsum a new product?"* My stomach dropped through the floor.

## How it was fixed

There's no unsending an email. Our marketing lead wrote a short, funny apology the same afternoon. It got a higher click rate than any newsletter that year, and they thanked me for it, which was generous and also a tiny bit cruel.

## What I learned

The script now requires either \`--to\` or \`--audience\`, refuses to run if neither is given, and asks you to type the audience size back before sending to more than ten people. Dangerous defaults are a design bug, not a user error.`,
    tags: ['email', 'scripting'],
    lessons: [
      'A script that can email customers must have no default audience; make the recipient an explicit, required argument.',
      'Ask for typed confirmation of the audience size before any send to more than a handful of people.',
      'An honest, light-hearted apology often lands better than silence.',
    ],
    experience: 'lt1',
    impact: 'minutes',
    detection: 'users',
    outcome: 'nothing',
    daysAgo: 15.7,
    beenThere: 47,
    comments: [
      {
        by: 1,
        body: `Honestly, the apology email outperforming the newsletter is the best possible ending.`,
      },
      {
        by: 2,
        body: `Mine was a push notification that said "test 123" to every user of our mobile app. Support told me a few people replied "456".`,
      },
      {
        by: 0,
        replyTo: 1,
        body: `"456" 😄 Thank you, that made my evening.`,
      },
    ],
  },
  // 21
  {
    title: 'For six days our password reset emails pointed at staging',
    body: `## What happened

We were consolidating config into a shared base file with per-environment overlays. I moved \`base_url\` into the base file with the staging value, because staging's overlay was the one I was testing against. Production's overlay didn't override it — before my change it had never needed to.

\`\`\`yaml
# config/base.yaml
app:
  base_url: "<the staging URL>"   # meant to be overridden… by everyone
\`\`\`

Everything else in the app used relative links. The only things that used \`base_url\` were emails: password resets, email verification and invoice links.

## How it was found

Six days later, a customer wrote in to say their reset link took them to a login page that "looks like yours but doesn't know me". Support escalated it, and the first thing I checked was the link in my own reset email.

## How it was fixed

A one-line override in the production overlay and a deploy. Because reset tokens had landed in staging's access logs, we invalidated every outstanding token and purged those logs. People who'd been stuck had to request a new link, and we emailed the handful who had contacted support.

## What I learned

Base config should hold safe defaults or nothing at all; \`base_url\` now has no default, and the app refuses to start without one. My lead's first message to me that day was "good catch, not your fault alone, let's pair on it", which did a great deal for my heart rate.`,
    tags: ['email', 'yaml'],
    lessons: [
      'Never put an environment-specific value in a shared base config; leave it empty and require each environment to set it.',
      'Make the app refuse to start when a required setting such as its public URL is missing.',
      'If secrets or tokens leak into the wrong environment, invalidate them and purge the logs, not just fix the link.',
    ],
    experience: '1-2',
    impact: 'days',
    detection: 'users',
    outcome: 'talk',
    daysAgo: 71,
    beenThere: 13,
    comments: [
      {
        by: 1,
        body: `Invalidating the tokens and purging staging's logs was the right call, and plenty of teams wouldn't have thought of it.`,
      },
      {
        by: 2,
        body: `"Refuses to start without it" is my favourite kind of config.`,
      },
    ],
  },
  // 22
  {
    title: 'Fired in my probation period over a .env file',
    body: `## What happened

I was two months into my first developer job, at a small startup. I'd hit a bug in an open-source library, and the maintainer asked for a minimal reproduction. So I copied our project folder, deleted most of the code, created a public repository and pushed it.

The \`.env\` file came along. It held a cloud access key with full admin rights, because that's how everyone's laptop had been set up.

## How it was found

Automated scanners found the key within minutes. Our billing alert fired that evening: dozens of large GPU instances were running in regions we had never used, mining cryptocurrency.

## How it was fixed

The CTO and I deactivated the key, terminated the instances region by region, and opened a case with the provider, who waived part of the bill. I deleted the repository within the hour, but by then it didn't matter.

## What happened next

I was let go at the end of my probation period a few weeks later. They said it wasn't only this, but it was obviously mostly this. I cried in the car. I was sure I'd never work in software again.

I did. I'm at my second job now, and the first things I set up on any machine are a pre-commit secret scanner and a global gitignore with \`.env\` in it. I also understand now that a new hire with admin keys on their laptop is a system problem. I'm not saying that to shift blame — I pushed the file. Both things are true.`,
    tags: ['secrets', 'cloud'],
    lessons: [
      'If a key is pushed to a public place, revoke it first and clean up second; scanners find it within minutes.',
      'Add `.env` to a global gitignore and run a secret scanner as a pre-commit hook on every machine.',
      'Nobody needs long-lived admin keys on a laptop; use short-lived, narrowly scoped credentials.',
      'Set a billing alert on every cloud account, even the small ones.',
    ],
    experience: 'lt1',
    detection: 'alert',
    outcome: 'fired',
    contentNotes: ['lost-job'],
    daysAgo: 365,
    beenThere: 52,
    comments: [
      {
        by: 1,
        body: `I'm so sorry. Admin keys on a new hire's laptop is a ticking bomb, and you just happened to be the one holding it when it went off.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `Thank you. Writing it down helped me see that, too.`,
      },
      {
        by: 2,
        body: `For anyone reading this in a panic: if you push a key by accident, **revoke it first**, then delete the repository. Deleting alone doesn't help; the bots are faster than you.`,
      },
      {
        by: 3,
        body: `You did work in software again. Please keep saying that part loudly — people need to hear it.`,
      },
    ],
  },
  // 23
  {
    title: 'Key rotation: expire the old key now, or in 24 hours?',
    body: `## What happened

Yearly rotation of our payment provider's secret API key. I'd done it before. The provider's dashboard lets you roll a key and choose when the old one expires: now, in an hour, in 24 hours, and so on. I picked *now*, because I had a script that would update our secret store and restart the services within a minute.

The script updated the secret store. What it didn't know about was the refund worker, which ran in a separate cluster and had its own copy of the key, injected at deploy time from a different secret path.

## How it was found

Our alert on failed refund calls fired eleven minutes later: \`401 Unauthorized\`. Refunds were piling up in a retry queue.

## How it was fixed

I copied the new key to the other secret path, redeployed the refund worker, and let the retry queue drain. About fifty minutes of delayed refunds and nothing lost, because the worker retried with backoff — the one thing that went right.

## What I learned

- Overlap old and new keys: expire the old key only *after* you've seen traffic on the new one from every consumer.
- Keep an inventory of every consumer of a secret, built from the secret store's access logs, not from memory.
- One secret, one path. Copies drift.

I wrote the postmortem. Ten years in, you'd think I'd stop picking "now". I have stopped.`,
    tags: ['secrets', 'third-party'],
    lessons: [
      'When rotating a key, keep the old one valid until every consumer is seen using the new one.',
      "Build the list of a secret's consumers from access logs, not from memory.",
      'Store each secret in exactly one place; copies drift and get forgotten during rotation.',
    ],
    experience: '6-10',
    impact: 'hour',
    detection: 'alert',
    outcome: 'postmortem',
    daysAgo: 112,
    beenThere: 9,
    comments: [
      {
        by: 1,
        body: `"One secret, one path. Copies drift." Excellent advice, and it applies far beyond payment keys.`,
      },
    ],
  },
  // 24
  {
    title: 'Our certificate renewed itself automatically, right up until we moved to containers',
    body: `## What happened

For years our TLS certificate renewed itself through a cron entry on the web server that ran \`certbot renew\` twice a day. Then we moved to containers. The nginx container mounted the certificates from a volume, and certbot was even installed in the image — but nothing ran it, and the old host with the cron entry was gone.

Nobody noticed, because certificates last ninety days and the last renewal had happened just before the migration.

## How it was found

By users, on a Sunday morning. Browsers showed a full-page warning, and our mobile app couldn't connect at all. I was the one who had done the container migration.

## How it was fixed

\`\`\`bash
docker compose run --rm certbot renew
docker compose exec nginx nginx -s reload
\`\`\`

That took about four hours from expiry, most of it getting to a laptop and then discovering that the new nginx config didn't route the ACME challenge path, so the first renewal attempts failed too.

Then we moved renewal into a scheduled job in the orchestrator and added an external check on the expiry date:

\`\`\`bash
echo | openssl s_client -connect "$HOST:443" -servername "$HOST" 2>/dev/null \\
  | openssl x509 -noout -enddate
\`\`\`

## What I learned

When you migrate something, list the things the old system did *implicitly*: cron entries, log rotation, renewals. And monitor expiry dates independently of whatever renews them — a renewal job that never runs never fails either.`,
    tags: ['secrets', 'background-jobs'],
    lessons: [
      'When migrating a server, list everything it did implicitly: cron entries, renewals, log rotation, cleanups.',
      'Monitor certificate expiry from outside, independently of the process that renews it.',
      'Alert weeks before a certificate expires, not on the day.',
    ],
    experience: '3-5',
    impact: 'hours',
    detection: 'users',
    daysAgo: 1.2,
    beenThere: 7,
    comments: [
      {
        by: 1,
        body: `The "implicit duties" checklist for migrations is gold. Cron, logrotate, renewals, backups — and that one script someone runs by hand every Monday.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `The Monday script! We found one of those too, a month later.`,
      },
    ],
  },
  // 25
  {
    title: 'Twenty years in, and I ran terraform destroy in the wrong tab',
    body: `## What happened

I'd been doing this for over twenty years. I had two terminal tabs open: one in our preview-environments Terraform workspace, which I was tearing down, and one in the production workspace for the same module, where I'd been reading a plan earlier. You can see where this is going.

\`\`\`
terraform destroy -auto-approve
\`\`\`

Wrong tab. I saw resource names with \`prod\` in them scroll past and hit Ctrl-C, but Terraform had already destroyed the worker autoscaling group and both read replicas. The primary database survived only because someone, years before, had put this on it:

\`\`\`hcl
lifecycle {
  prevent_destroy = true
}
\`\`\`

## How it was found

By me, watching the output in real time. Nothing teaches you the speed of a cloud API quite like watching it delete things you love.

## How it was fixed

I wrote "I've just destroyed the prod workers and replicas" in the incident channel before doing anything else. We re-applied the production workspace, which recreated the workers in minutes; the replicas took a few hours to rebuild from the primary, and read-heavy pages were slow until then.

## What I learned

\`-auto-approve\` is now banned outside CI. Our shell prompt shows the Terraform workspace, coloured red for production, and production applies only run from the pipeline. My director's reaction was a quiet "twenty years and still human, good to know", followed by a request to write it up so the juniors could see that seniors do this too.`,
    tags: ['cloud'],
    lessons: [
      'Never use `-auto-approve` outside a pipeline; read the plan, every time.',
      'Show the current Terraform workspace in your prompt, in red for production.',
      'Put `prevent_destroy` on anything that holds state you cannot rebuild.',
      'Announce your own mistake in the incident channel first; it saves everyone the hunt.',
    ],
    experience: '10plus',
    impact: 'hours',
    detection: 'myself',
    outcome: 'talk',
    daysAgo: 95,
    beenThere: 36,
    comments: [
      {
        by: 1,
        body: `Saying it in the incident channel before doing anything else is such a senior move. That kind of honesty saves hours.`,
      },
      {
        by: 2,
        body: `\`prevent_destroy\` is the unsung hero here. Whoever added it years ago deserves a pint.`,
      },
      {
        by: 0,
        replyTo: 1,
        body: `They got one, many years late. They had completely forgotten they'd done it.`,
      },
    ],
  },
  // 26
  {
    title: 'An extra zero in maxReplicas and a very awkward call with finance',
    body: `## What happened

I was adjusting the autoscaler for our image-processing service ahead of a marketing campaign. The intention was to let it scale from 10 to 50 replicas. What I committed:

\`\`\`yaml
spec:
  minReplicas: 10
  maxReplicas: 500
\`\`\`

By itself, probably fine. But the service had a slow memory leak that pushed CPU up as the garbage collector struggled, so the autoscaler kept adding pods, and the cluster autoscaler kept adding nodes to fit them. The campaign traffic itself never needed more than 40.

## How it was found

Ten days later, by a colleague in finance, who asked why our cloud spend forecast for the month had roughly tripled. I found the extra zero in about thirty seconds and felt sick for about three days.

## How it was fixed

Fix the number, restart the leaky pods, watch the nodes drain. We also set a budget alert at 120% of forecast (we had none), and a policy check in CI that flags \`maxReplicas\` above a per-service limit.

## What I learned

I got a formal written warning, mostly because of the money. I'll be honest: I thought it was harsh — the review missed it too, and there was no budget alert. My manager was clearly uncomfortable delivering it, and afterwards helped me push for the guardrails. I'm still here and I've since been promoted, so it wasn't the end of anything.`,
    tags: ['cloud', 'yaml'],
    lessons: [
      'Set budget alerts on every cloud account before you need them, at a percentage of the forecast.',
      'Check autoscaling limits in CI against a per-service ceiling; an extra zero should fail a build, not a budget.',
      'An autoscaler will faithfully scale a bug; watch why it is scaling, not just that it is.',
    ],
    experience: '3-5',
    impact: 'days',
    detection: 'colleague',
    outcome: 'warning',
    daysAgo: 280,
    beenThere: 24,
    comments: [
      {
        by: 1,
        body: `The extra-zero club is large and welcoming. Mine was a log retention period of 3650 days instead of 365.`,
      },
      {
        by: 2,
        body: `A warning that comes with a manager who then actually pushes for guardrails is about the best version of a bad outcome. Glad you stayed.`,
      },
    ],
  },
  // 27
  {
    title: 'ARTIFACT_DIR vs ARTIFACTS_DIR: how I wiped our CI server',
    body: `## What happened

I had just been given access to maintain our build scripts. One script cleaned up old artifacts before each build:

\`\`\`bash
rm -rf "$ARTIFACT_DIR"/*
\`\`\`

In a refactor I renamed the variable in the CI config to \`ARTIFACTS_DIR\`. In the script, I didn't. So \`$ARTIFACT_DIR\` was empty and the line became \`rm -rf /*\`. GNU \`rm\` refuses \`rm -rf /\`, but it happily accepts \`/*\`. The build agent ran as root, because of course it did.

## How it was found

A colleague asked why the CI server's web UI was throwing errors, and then why they couldn't SSH into it. It had deleted a good chunk of its own operating system before something crucial went missing and the job died.

## How it was fixed

The CI server was a pet, not cattle. Another engineer and I rebuilt it from scratch; the job definitions were in a repository, but plugins and credentials had to be set up again by hand. CI was down for most of a day for the whole engineering team.

## What I learned

Every shell script I write now starts with \`set -euo pipefail\`, and anything passed to \`rm\` uses \`\${ARTIFACT_DIR:?}\`, which fails loudly when the variable is empty or unset. The section on \`set\` in the Bash manual is worth ten minutes of anyone's time. And our build agents don't run as root any more.`,
    tags: ['scripting', 'storage'],
    lessons: [
      'Use `${VAR:?}` in any path passed to rm, so an empty variable stops the script instead of deleting from root.',
      'Start shell scripts with `set -euo pipefail` to catch unset variables and failed steps.',
      'Run build agents as an unprivileged user and rebuild them from code, so a bad script cannot take the whole server.',
    ],
    experience: 'lt1',
    impact: 'day',
    detection: 'colleague',
    daysAgo: 0.8,
    beenThere: 5,
    comments: [
      {
        by: 1,
        body: `\`\${VAR:?}\` should be taught on day one. Also, shellcheck flags this exact line (SC2115) if you run it in CI.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `I didn't know shellcheck had a specific warning for it. Adding it to the pipeline today, thanks!`,
      },
    ],
  },
  // 28
  {
    title: 'A minor version bump changed how we rounded money',
    body: `## What happened

Our invoicing service depended on a decimal library through a caret range in \`package.json\`: \`"^3.4.0"\`. Our lockfile was in \`.gitignore\`, for reasons nobody remembered. One routine deploy picked up a new minor release that changed the default rounding mode from half-up to half-even.

Most of the time that makes no difference. On a tax amount like 4.125, it does: half-up gives 4.13, half-even gives 4.12. Tax on thousands of invoice lines came out one cent lower than the totals our accounting export calculated independently.

## How it was found

Four days later, by a colleague in finance, when the monthly reconciliation refused to balance by a few hundred tiny differences.

## How it was fixed

We pinned the library, set the rounding mode explicitly in our money module, and reissued the affected invoices with corrected amounts. Reissuing was the painful part: it needed sign-off, customer notices and a lot of spreadsheet work with finance.

## What I learned

Commit the lockfile, always. Never rely on a library default for anything involving money; set it explicitly and test the half-cent cases. And read the changelog of anything that touches money, even for a minor version.

I'd rather not go into what happened afterwards. It was handled privately, and I'm fine.`,
    tags: ['third-party', 'deploy'],
    lessons: [
      'Commit your lockfile so a routine deploy cannot silently pick up new dependency versions.',
      'Never rely on library defaults for money: set rounding modes explicitly and test the half-cent cases.',
      'Read the changelog of any dependency that touches money, even for a minor release.',
    ],
    experience: '1-2',
    impact: 'days',
    detection: 'colleague',
    outcome: 'private',
    daysAgo: 140,
    beenThere: 15,
    comments: [
      {
        by: 1,
        body: `Money plus library defaults is a cursed combination. Thanks for the half-cent test idea; we had nothing like it.`,
      },
      {
        by: 2,
        body: `Hope you're doing well. Whatever happened afterwards, this is a genuinely useful write-up.`,
      },
    ],
  },
  // 29
  {
    title: 'My backfill script got our courier API key suspended',
    body: `## What happened

We'd switched couriers, and I was asked to backfill tracking numbers for about sixty thousand old orders from the new courier's API. I wrote a quick script, tested it on ten orders, and started it on everything. No sleep, no rate limiting, eight threads (\`ThreadPoolExecutor(max_workers=8)\`), because I wanted it finished before lunch. It was doing about forty requests a second. The documented limit was five.

## How it was found

After about ten minutes every request started failing with \`429\`, then with \`403\`. I stopped the script and thought that was that. It wasn't: the courier had suspended our API key for 24 hours, and the warehouse used the same key to print shipping labels. An hour later the warehouse rang to say they couldn't ship anything.

## How it was fixed

Our account manager at the courier got the suspension lifted after about five hours, once we'd explained and promised it wouldn't happen again. The warehouse caught up over the weekend. The backfill later ran overnight at two requests a second, with its own key.

## What I learned

I received a formal warning, which I found hard to hear at the time; there was a policy about using production keys in scripts, and I hadn't read it. My team lead sat with me in that meeting and afterwards helped me write the wiki page on calling partner APIs: separate keys per use, respect the limits, and read the rate-limit headers the API sends back.`,
    tags: ['third-party', 'scripting'],
    lessons: [
      "Read a partner API's rate limits before writing the loop, and throttle below them.",
      'Use a separate API key for one-off scripts, so a mistake cannot block the systems that keep the business running.',
      'Stop at the first 429 and back off; rate-limit errors are a warning before the ban.',
    ],
    experience: 'lt1',
    impact: 'day',
    detection: 'users',
    outcome: 'warning',
    daysAgo: 38,
    beenThere: 21,
    comments: [
      {
        by: 1,
        body: `Sharing a key between a one-off script and the warehouse label printer is the real incident here, honestly.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `That's what we concluded in the end as well. Separate keys per use are policy now.`,
      },
    ],
  },
  // 30
  {
    title: 'I only highlighted the first line of my UPDATE',
    body: `## What happened

Seven months into my first job. A customer had been charged for the wrong plan, and my lead asked me to fix their subscription. I opened our SQL GUI, connected to production (we all could), and wrote:

\`\`\`sql
UPDATE subscriptions SET plan = 'pro'
WHERE id = 48213;
\`\`\`

Our client runs the *selected text* if there's a selection, otherwise the statement under the cursor. A stray drag had selected just the first line. Ctrl+Enter. Autocommit was on.

\`80412 rows affected.\`

## How it was found

By me, staring at that number. For about ten seconds I seriously considered closing the laptop and walking into the sea.

## How it was fixed

I told my lead right away. We used point-in-time recovery to restore a copy of the database from two minutes earlier into a separate instance, copied the table over as \`restored_subscriptions\`, and put the \`plan\` column back:

\`\`\`sql
UPDATE subscriptions s
SET plan = r.plan
FROM restored_subscriptions r
WHERE r.id = s.id AND s.plan IS DISTINCT FROM r.plan;
\`\`\`

For about three hours, everyone was on our top plan. Nobody complained.

## What I learned

Turn off autocommit in GUI clients when connected to production, write the \`WHERE\` clause first, and run \`SELECT count(*)\` with the same condition before any update. My lead also removed everyone's direct write access that week, their own included, which made it feel like a fix rather than a punishment.`,
    tags: ['database'],
    lessons: [
      'Turn off autocommit in SQL clients connected to production, so every change needs an explicit COMMIT.',
      'Run a SELECT count(*) with the same WHERE clause before any UPDATE or DELETE.',
      'Know how your point-in-time recovery works before you need it; it turns a disaster into an afternoon.',
    ],
    experience: 'lt1',
    impact: 'hours',
    detection: 'myself',
    outcome: 'talk',
    daysAgo: 5.5,
    beenThere: 39,
    comments: [
      {
        by: 1,
        body: `"Walking into the sea" — I felt that in my bones.`,
      },
      {
        by: 2,
        body: `Tip: several GUI clients can be set to ask for confirmation on an UPDATE or DELETE without a WHERE. Worth five minutes of digging through the settings.`,
      },
      {
        by: 3,
        replyTo: 1,
        body: `Also: connect with a read-only role by default, and keep a separate, clearly named connection for writes. Friction is a feature.`,
      },
      {
        by: 2,
        replyTo: 2,
        body: `Agreed. A red connection color helps too; most clients support it.`,
      },
      {
        by: 0,
        body: `"Everyone on the top plan for three hours" is now a team legend. Thanks for all the tips, I've set up every one of them.`,
      },
    ],
  },
  // 31
  {
    title: 'BEGIN; then a meeting; then a very slow checkout',
    body: `## What happened

I needed to flip a feature flag that didn't have a UI yet. In \`psql\` on production:

\`\`\`sql
BEGIN;
UPDATE feature_flags SET enabled = true WHERE name = 'new_search';
\`\`\`

My plan was to check a page and then \`COMMIT\`. Then someone pulled me into a meeting that was "just five minutes". It was forty-seven.

## How it was found

My open transaction held a row lock on that flag. A background job that updated flag statistics every few seconds piled up behind it, each waiting call holding a connection from the shared pool, until the pool was exhausted and checkout requests started timing out. A colleague found it in \`pg_stat_activity\`:

\`\`\`sql
SELECT pid, now() - xact_start AS age, query
FROM pg_stat_activity
WHERE state = 'idle in transaction';
\`\`\`

One row, forty-seven minutes old, from my laptop.

## How it was fixed

They ran \`pg_terminate_backend\` on my session, which rolled back my change, and everything drained within a minute. When I came out of the meeting, a very polite message was waiting for me.

## What I learned

We set [\`idle_in_transaction_session_timeout\`](https://www.postgresql.org/docs/current/runtime-config-client.html) to one minute for human roles. I don't open a transaction on production unless I'm going to finish it in the same breath — better still, I don't do it by hand at all. My colleague's only comment was that they'd done exactly the same thing with a schema change a few years earlier.`,
    tags: ['database'],
    lessons: [
      'Set idle_in_transaction_session_timeout for human database roles so a forgotten BEGIN cannot hold locks for long.',
      'Never leave a transaction open on production while you step away; commit or roll back first.',
      'Look for "idle in transaction" sessions in pg_stat_activity when requests pile up for no obvious reason.',
    ],
    experience: '3-5',
    impact: 'hour',
    detection: 'colleague',
    outcome: 'nothing',
    daysAgo: 18,
    beenThere: 18,
    comments: [
      {
        by: 1,
        body: `\`idle_in_transaction_session_timeout\` is the setting I didn't know I needed. Adding it for our humans too.`,
      },
      {
        by: 2,
        body: `"Just five minutes" meetings: the true root cause of half the incidents I know.`,
      },
    ],
  },
  // 32
  {
    title: 'FATAL: sorry, too many clients already',
    body: `## What happened

We were seeing occasional "timeout acquiring connection" errors under load. I raised the per-pod connection pool size from 10 to 50 in our Helm values:

\`\`\`yaml
database:
  pool:
    max: 50   # was 10
\`\`\`

It looked safe in staging, which ran three pods. In production, the autoscaler ran anywhere from 8 to 30. PostgreSQL's \`max_connections\` was 500. You can do this arithmetic faster than I did.

## How it was found

At evening peak the autoscaler scaled up, the new pods opened their pools, and the database started refusing connections with \`FATAL: sorry, too many clients already\`. New pods failed their readiness checks, the autoscaler added more pods to compensate, and those failed too. An alert fired within a couple of minutes.

## How it was fixed

Reverting the value and restarting the deployment brought things back in about fifteen minutes. Longer term, we put PgBouncer in transaction mode between the app and the database, and the pool size became a number derived from \`max_connections\` divided by the maximum replica count, checked in CI.

## What I learned

Per-instance settings multiply. Any limit you set per pod is really that number times your maximum replica count, and shared resources need to survive the maximum, not the average. I wrote the postmortem. The original timeouts, it turned out, came from a slow query holding connections, which a bigger pool could never have fixed.`,
    tags: ['database', 'yaml'],
    lessons: [
      'Multiply any per-pod setting by the maximum replica count before changing it; shared resources must survive the maximum.',
      'Put a connection pooler in front of PostgreSQL when many app instances connect to it.',
      'Find out why connections are slow to come back before making the pool bigger.',
    ],
    experience: '6-10',
    impact: 'minutes',
    detection: 'alert',
    outcome: 'postmortem',
    daysAgo: 220,
    beenThere: 26,
    comments: [],
  },
  // 33
  {
    title: 'The outage lasted forty minutes. The jokes lasted eight months.',
    body: `This one is about the outage, and about what came after.

## What happened

During a busy Saturday sale I was asked to purge one stale product image from the CDN. The purge page had a path field and, right next to it, a "Purge everything" button. I clicked the wrong one. With the cache empty, every request hit our origin servers at once, and they fell over. The site was down for about forty minutes while the cache warmed back up.

## How it was handled

The incident itself was handled well enough: a colleague added rate limiting at the edge, the origin recovered, and we put a confirmation step in front of purging everything.

## What came after

My manager at the time started calling me "Purge" in the team channel. Then in meetings. Then in front of new starters, as a "fun story". When I said it bothered me, I was told I needed to learn to take a joke. It went on for months, and it got into my head far more than the outage ever did: I stopped volunteering for anything that touched production.

## Where I am now

I'd rather not say exactly how it ended. I'm in a different team now, and the first incident review I attended here opened with "we're here to understand the system, not to find a person". I very nearly cried.

If this is happening to you: the outage was a forty-minute problem. Being mocked for it for months is a culture problem, and it isn't yours to carry. Talk to someone you trust, and write down dates.`,
    tags: ['cache', 'network'],
    lessons: [
      'Put a typed confirmation in front of any button that purges, deletes or resets everything at once.',
      'Know what your origin can take with an empty cache, and rate-limit at the edge before you find out the hard way.',
      "A running joke about someone's incident is not harmless; if it is happening to you, write down dates and tell someone you trust.",
    ],
    experience: '1-2',
    impact: 'hour',
    outcome: 'private',
    contentNotes: ['harassment'],
    daysAgo: 398,
    beenThere: 60,
    comments: [
      {
        by: 1,
        body: `I'm so sorry that happened. The forty minutes were the system's fault for putting that button there. The months after were simply not okay.`,
      },
      {
        by: 0,
        replyTo: 0,
        body: `Thank you. It took me a long time to see it that way.`,
      },
      {
        by: 2,
        body: `Something very similar happened to me. I wrote down every instance with a date, as you suggest, and it made the conversation with HR possible. Anyone reading this: please do that.`,
      },
      {
        by: 0,
        replyTo: 2,
        body: `I'm glad you did, and I hope you're somewhere kinder now.`,
      },
      {
        by: 2,
        replyTo: 3,
        body: `I am. It gets better. 💛`,
      },
    ],
  },
  // 34
  {
    title: 'Tab completion picked orders-prod, and I had two primaries for six minutes',
    body: `## What happened

Twenty-plus years in, and I'm the person who wrote our database failover runbook. We were doing a quarterly drill on our pre-production cluster, \`orders-preprod\`. The drill script takes the cluster name as its argument. I typed \`orders-pr\`, pressed Tab, and the shell helpfully completed it to \`orders-prod\`. I didn't look. I pressed Enter.

The script promoted the production replica and flipped the DNS record for the primary to point at it. The old primary was still running, and still accepting writes from every pod that held an open connection.

## Six minutes with two primaries

New connections went to the new primary; pooled ones kept writing to the old one. For six minutes we had two databases each happily accepting orders, until a colleague on the drill call asked why the pre-production dashboards weren't moving.

## How it was fixed

We fenced the old primary so it stopped accepting connections, restarted the app so every pod reconnected to the new primary, and then spent most of a day reconciling. Comparing the two databases by write timestamp, we recovered all but a handful of rows; for those, we contacted the customers directly.

## What I learned

- Drill scripts now make you type the cluster name *again*, in full, and refuse anything containing \`prod\` unless a separate flag is set.
- Failover fences the old primary before DNS moves, never after.
- Seniority is not a safety mechanism. Guardrails are.

It was a humbling day. It was also, according to the team, the most useful drill we have ever run.`,
    tags: ['database', 'dns', 'network'],
    lessons: [
      'Make scripts that act on a named cluster ask you to retype the full name, and refuse production names without an extra flag.',
      'During a failover, fence the old primary before moving DNS, so it cannot keep accepting writes.',
      'Pooled connections ignore DNS changes; plan how every client will reconnect.',
      'Seniority is not a safety mechanism; guardrails are.',
    ],
    experience: '10plus',
    impact: 'day',
    detection: 'colleague',
    contentNotes: ['data-loss', 'customers'],
    daysAgo: 160,
    beenThere: 30,
    comments: [
      {
        by: 1,
        body: `"Seniority is not a safety mechanism. Guardrails are." Framing this for the office.`,
      },
      {
        by: 2,
        body: `Fencing before the DNS flip is a lesson everyone seems to learn the hard way. Thank you for sharing it from the runbook author's chair — that takes guts.`,
      },
      {
        by: 0,
        replyTo: 1,
        body: `It does help to have written the runbook: I got to fix it, too.`,
      },
    ],
  },
];
