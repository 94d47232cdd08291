// WORKERS=N (issue 10): N server processes share one port through node:cluster and one database.
// The first worker starts alone, so only one process ever migrates or seeds the database; the
// others start once it is ready. A worker that dies after starting is replaced; one that cannot
// start (port taken, database unusable) stops everything, since the others would fail alike.
import cluster from 'node:cluster';

/** @param {number} count  WORKERS, as readServerSettings() (scripts/lib/server-settings.mjs) checked it */
export function runWorkers(count) {
  let stopping = false;
  const ready = new Set();
  let othersStarted = false;
  const startOthers = () => {
    if (othersStarted) return;
    othersStarted = true;
    for (let i = 1; i < count; i++) fork();
  };
  const fork = () => {
    const worker = cluster.fork();
    worker.on('message', (message) => {
      if (message !== 'ready') return;
      ready.add(worker.id);
      startOthers();
    });
    // Should the first never report ready (its health check failed but it keeps serving), the
    // others still start after a while.
    worker.once('listening', () => setTimeout(startOthers, 15_000).unref());
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    const remaining = Object.keys(cluster.workers ?? {}).length;
    if (stopping) {
      if (remaining === 0) process.exit(0);
      return;
    }
    if (!ready.has(worker.id)) process.exit(code || 1);
    console.error(`Worker ${worker.process.pid} stopped (${signal ?? code}); starting another.`);
    setTimeout(fork, 1000);
  });
  fork();
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {});
      if (workers.length === 0) process.exit(0);
      for (const worker of workers) worker?.process.kill('SIGTERM');
    });
  }
}
