/**
 * `npm run bench:writes`: the write path. Mutations per second and p99 with 1, 10 and 50 concurrent
 * writers, each signed in to a business of its own (POST /api/clients: validation, idempotency,
 * the insert, the outbox row, the live NOTIFY), with live streams open on every one of those
 * businesses, against a production build on PostgreSQL + Redis.
 *
 * Then the question of the commit path, asked of PostgreSQL directly: a NOTIFY in the writing
 * transaction takes a database-wide lock at commit that serialises every committing writer. The
 * outbox write of a mutation (advisory lock of the business, outbox insert) is committed by 1, 10 and
 * 50 concurrent connections with and without its NOTIFY, interleaved, so the two differ only by it.
 *
 * Options: --scale N (data set, default 0.01), --seconds S per level (default 8), --writers 1,10,50,
 * --streams-per-business N (default 2). Writes bench/results/writes-<date>.{json,md}.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { SCALE_PASSWORD } from '../src/cli/scale-seed';
import { LIVE_CHANNEL, OUTBOX_LOCK_CLASS } from '../src/fuse/live/outbox';
import { arg, buildIfNeeded, ensureScaleDatabase, log, machine, ROOT, signInCookie, startApp, today } from './lib';
import { stats, type Stats } from './report';

const scale = Number(arg('--scale') ?? 0.01);
const seconds = Number(arg('--seconds') ?? 8);
const levels = (arg('--writers') ?? '1,10,50').split(',').map(Number);
const streamsPerBusiness = Number(arg('--streams-per-business') ?? 2);

type Level = { writers: number; perSecond: number; latencyMs: Stats; ok: number; failed: number };

/** `writers` loops, each creating clients in its own business for `seconds`. */
async function httpLevel(baseUrl: string, cookies: string[], writers: number): Promise<Level> {
  const samples: number[] = [];
  let ok = 0;
  let failed = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const cookie = cookies[w % cookies.length]!;
      while (Date.now() < end) {
        const t = process.hrtime.bigint();
        const res = await fetch(`${baseUrl}/api/clients`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/json', origin: baseUrl },
          body: JSON.stringify({ firstName: 'Bench', lastName: `Writer ${w}`, email: `w${w}-${randomUUID()}@bench.fuse.dev`, status: 'active' }),
        });
        await res.arrayBuffer();
        samples.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (res.status === 201) ok++;
        else failed++;
      }
    }),
  );
  return { writers, perSecond: ok / seconds, latencyMs: stats(samples), ok, failed };
}

/** The outbox write of a mutation, committed by `writers` connections at once, with or without its NOTIFY. */
async function commitLevel(databaseUrl: string, businesses: string[], writers: number, notify: boolean): Promise<Level> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: writers });
  const samples: number[] = [];
  let ok = 0;
  const end = Date.now() + seconds * 1000;
  try {
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const client = await pool.connect();
        try {
          const businessId = businesses[w % businesses.length]!;
          while (Date.now() < end) {
            const t = process.hrtime.bigint();
            await client.query('begin');
            await client.query('select pg_advisory_xact_lock($1, hashtext($2))', [OUTBOX_LOCK_CLASS, businessId]);
            const { rows } = await client.query<{ id: string }>(
              `insert into outbox (business_id, domain, kind, entity_id, data) values ($1, 'bench', 'write', '0', '{}') returning id`,
              [businessId],
            );
            // Its own channel: no server listens; the lock at commit is taken whoever listens.
            if (notify) await client.query('select pg_notify($1, $2)', [`${LIVE_CHANNEL}_bench`, `${businessId}:${rows[0]!.id}`]);
            await client.query('commit');
            samples.push(Number(process.hrtime.bigint() - t) / 1e6);
            ok++;
          }
        } finally {
          client.release();
        }
      }),
    );
  } finally {
    await pool.end();
  }
  return { writers, perSecond: ok / seconds, latencyMs: stats(samples), ok, failed: 0 };
}

async function main() {
  const dbName = scale === 1 ? 'fuse_scale' : `fuse_scale_${String(scale).replace(/\W/g, '_')}`;
  const { url: databaseUrl } = await ensureScaleDatabase(dbName, scale);
  buildIfNeeded();
  const admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const maxWriters = Math.max(...levels);
  // Many businesses, one captain each: every writer writes to its own business.
  const owners = (
    await admin.query<{ business_id: string; email: string }>(
      `select distinct on (m.business_id) m.business_id, u.email from memberships m join users u on u.id = m.user_id
        join businesses b on b.id = m.business_id where m.rank = 'captain' and b.name like 'Scale %' order by m.business_id, u.email limit $1`,
      [maxWriters],
    )
  ).rows;
  const app = await startApp(databaseUrl);
  const http: Level[] = [];
  const streams: AbortController[] = [];
  let openStreams = 0;
  try {
    log(`signing in ${owners.length} captains (one business each)`);
    const cookies: string[] = [];
    for (const o of owners) cookies.push(await signInCookie(app.url, o.email, SCALE_PASSWORD));
    // Live streams on every written business: each commit fans out to them.
    for (const cookie of cookies) {
      for (let i = 0; i < streamsPerBusiness; i++) {
        const abort = new AbortController();
        streams.push(abort);
        const res = await fetch(`${app.url}/api/live`, { headers: { cookie, accept: 'text/event-stream' }, signal: abort.signal });
        if (res.status !== 200 || !res.body) throw new Error(`live stream answered ${res.status}`);
        openStreams++;
        void res.body.pipeTo(new WritableStream()).catch(() => undefined);
      }
    }
    log(`${openStreams} live streams open`);
    await httpLevel(app.url, cookies, 2); // warm-up
    for (const writers of levels) {
      const level = await httpLevel(app.url, cookies, writers);
      http.push(level);
      log(
        `  HTTP ${writers} writer(s): ${level.perSecond.toFixed(0)} mutations/s, p50 ${level.latencyMs.p50.toFixed(1)} ms, p99 ${level.latencyMs.p99.toFixed(1)} ms, failed ${level.failed}`,
      );
    }
  } finally {
    for (const s of streams) s.abort();
    await app.stop();
  }

  // The commit path on its own, with and without the NOTIFY, interleaved.
  const businesses = owners.map((o) => o.business_id);
  const commits: { writers: number; withNotify: Level; withoutNotify: Level }[] = [];
  for (const [i, writers] of levels.entries()) {
    // The order alternates, so drift on a shared machine does not favour one side.
    const first = await commitLevel(databaseUrl, businesses, writers, i % 2 === 0);
    const second = await commitLevel(databaseUrl, businesses, writers, i % 2 !== 0);
    const [a, b] = i % 2 === 0 ? [first, second] : [second, first];
    commits.push({ writers, withNotify: a, withoutNotify: b });
    log(
      `  commit ${writers} writer(s): with NOTIFY ${a.perSecond.toFixed(0)}/s p99 ${a.latencyMs.p99.toFixed(1)} ms · without ${b.perSecond.toFixed(0)}/s p99 ${b.latencyMs.p99.toFixed(1)} ms`,
    );
  }
  await admin.query(`delete from outbox where domain = 'bench'`);
  await admin.end();

  const out = { benchmark: 'writes', date: new Date().toISOString(), machine: machine('PostgreSQL'), seconds, openStreams, http, commits };
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const base = `writes-${today()}`;
  writeFileSync(path.join(dir, `${base}.json`), JSON.stringify(out, null, 2) + '\n');
  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const md = [
    `# Write path — ${out.date}`,
    '',
    `\`npm run bench:writes\`: ${seconds} s per level, each writer signed in to a business of its own, ${openStreams} live streams open on those businesses. Shared 2-CPU machine: compare within the run.`,
    '',
    '## POST /api/clients (the whole mutation, HTTP)',
    '',
    '| Writers | mutations/s | p50 ms | p99 ms | failed |',
    '|---:|---:|---:|---:|---:|',
    ...http.map((l) => `| ${l.writers} | ${f(l.perSecond)} | ${f(l.latencyMs.p50)} | ${f(l.latencyMs.p99)} | ${l.failed} |`),
    '',
    '## The commit path: outbox write with and without NOTIFY in the transaction (PostgreSQL directly)',
    '',
    '| Writers | with NOTIFY: commits/s | p99 ms | without: commits/s | p99 ms | ratio |',
    '|---:|---:|---:|---:|---:|---:|',
    ...commits.map(
      (c) =>
        `| ${c.writers} | ${f(c.withNotify.perSecond)} | ${f(c.withNotify.latencyMs.p99)} | ${f(c.withoutNotify.perSecond)} | ${f(c.withoutNotify.latencyMs.p99)} | ${(c.withNotify.perSecond / c.withoutNotify.perSecond).toFixed(2)} |`,
    ),
    '',
  ].join('\n');
  writeFileSync(path.join(dir, `${base}.md`), md);
  process.stdout.write(md);
  log(`wrote bench/results/${base}.{json,md}`);
}

main().catch((err) => {
  process.stderr.write(`bench:writes: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
