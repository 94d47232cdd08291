/**
 * GET /bench-floor: the framework floor for `npm run bench` — Astro and our middleware answering a
 * prebuilt string (the bytes of `/`). It answers 404 unless the benchmark started the server with
 * BENCH_FLOOR=1 and BENCH_FLOOR_FILE, so it is never reachable on a real site.
 */
import type { APIRoute } from 'astro';
import { readFileSync } from 'node:fs';
import { benchFloorFile } from '../server/settings';

let body: Buffer | null = null;

export const GET: APIRoute = () => {
  const file = benchFloorFile();
  if (!file) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  body ??= readFileSync(file);
  return new Response(new Uint8Array(body), { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
};
