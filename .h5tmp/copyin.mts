import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { startEmbeddedDatabase } from '../src/fuse/db/embedded';
const db = await startEmbeddedDatabase('memory://');
const c = new pg.Client({ connectionString: db.url });
await c.connect();
await c.query("create table t(id int generated always as identity, s text, j jsonb, ts timestamptz)");
try {
  await c.query('begin');
  const s = c.query(copyFrom('COPY t (id,s,j,ts) FROM STDIN'));
  await pipeline(Readable.from(['1\tx\\ty\t{"a": 1}\t2024-01-01 00:00:00+00\n', '2\t\\N\t\\N\t\\N\n']), s);
  console.log('COPY IN OK', s.rowCount);
  console.log((await c.query('select * from t')).rows);
  await c.query('commit');
} catch (e) { console.log('COPY IN FAIL', e); }
try { const r = await c.query('select count(*) from t'); console.log('after', r.rows); } catch (e) { console.log('after fail', e); }
await c.end(); await db.stop();
