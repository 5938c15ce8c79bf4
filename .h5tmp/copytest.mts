import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { startEmbeddedDatabase } from '/work/main/src/fuse/db/embedded';
const db = await startEmbeddedDatabase('memory://');
const c = new pg.Client({ connectionString: db.url });
await c.connect();
await c.query("create table t(id int, s text); insert into t select g, 'x'||g from generate_series(1,5) g");
try {
  await c.query('begin isolation level repeatable read read only');
  const s = c.query(copyTo('COPY t TO STDOUT'));
  let out = '';
  for await (const chunk of s) out += chunk.toString();
  console.log('COPY OK', JSON.stringify(out));
  await c.query('commit');
} catch (e) { console.log('COPY FAIL', e); }
try { const r = await c.query('select 1 as x'); console.log('after', r.rows); } catch (e) { console.log('after fail', e); }
await c.end(); await db.stop();
