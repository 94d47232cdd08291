/**
 * Friendly pseudonyms ("Sleepy Pager 42") from a keyed digest. The server computes the digest
 * (HMAC of the author and the story); this module only turns bytes into words.
 */
const ADJECTIVES = [
  'Sleepy', 'Brave', 'Calm', 'Patient', 'Curious', 'Gentle', 'Steady', 'Quiet', 'Humble', 'Kind',
  'Weary', 'Hopeful', 'Careful', 'Cheerful', 'Wise', 'Bold', 'Restless', 'Thoughtful', 'Tired', 'Lucky',
  'Honest', 'Mellow', 'Nimble', 'Sturdy', 'Candid', 'Earnest', 'Frank', 'Jolly', 'Loyal', 'Plucky',
  'Sunny', 'Witty',
] as const;

const NOUNS = [
  'Pager', 'Rollback', 'Cron', 'Kernel', 'Socket', 'Packet', 'Shard', 'Replica', 'Deploy', 'Bucket',
  'Daemon', 'Pipeline', 'Cache', 'Queue', 'Thread', 'Cluster', 'Index', 'Schema', 'Lambda', 'Router',
  'Tarball', 'Hotfix', 'Runbook', 'Canary', 'Pod', 'Mutex', 'Semaphore', 'Heap', 'Buffer', 'Cursor',
  'Checksum', 'Sandbox',
] as const;

/** Turns a hex digest (at least 8 hex characters) into "Adjective Noun NN". */
export function pseudonymFromDigest(hexDigest: string): string {
  const adjective = ADJECTIVES[parseInt(hexDigest.slice(0, 2), 16) % ADJECTIVES.length];
  const noun = NOUNS[parseInt(hexDigest.slice(2, 4), 16) % NOUNS.length];
  const number = parseInt(hexDigest.slice(4, 8), 16) % 100;
  return `${adjective} ${noun} ${number}`;
}
