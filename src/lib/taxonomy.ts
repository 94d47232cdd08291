/** The curated failure types the site starts with; moderators may add more later. */
export const INITIAL_FAILURE_TYPES = [
  { slug: 'database', name: 'Database', description: 'Queries, locks, dropped tables and the data that went with them.' },
  { slug: 'migration', name: 'Migration', description: 'Schema and data migrations that did not go as planned.' },
  { slug: 'yaml', name: 'YAML & config', description: 'One wrong line in a config file, and everything that followed.' },
  { slug: 'permissions', name: 'Permissions', description: 'Access granted too widely, revoked too eagerly, or never checked.' },
  { slug: 'cache', name: 'Cache', description: 'Stale data, stampedes and caches that remembered the wrong thing.' },
  { slug: 'deploy', name: 'Deploy', description: 'Releases, rollbacks and the pipeline between them.' },
  { slug: 'dns', name: 'DNS', description: 'It was DNS. It is always DNS.' },
  { slug: 'network', name: 'Network', description: 'Firewalls, load balancers, routes and timeouts.' },
  { slug: 'storage', name: 'Storage', description: 'Full disks, lost volumes and backups that were not there.' },
  { slug: 'background-jobs', name: 'Background jobs', description: 'Queues, cron and workers that ran too often or not at all.' },
  { slug: 'email', name: 'E-mail', description: 'Messages sent to everyone, twice, or to no one.' },
  { slug: 'secrets', name: 'Secrets', description: 'Keys leaked, rotated at the wrong moment, or expired in silence.' },
  { slug: 'cloud', name: 'Cloud', description: 'Accounts, regions, quotas and the bill.' },
  { slug: 'scripting', name: 'Scripting', description: 'A one-off script that ran in the wrong place.' },
  { slug: 'third-party', name: 'Third party', description: 'Vendors, APIs and dependencies that changed under us.' },
] as const;
