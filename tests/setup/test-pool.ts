import pg from 'pg';

/**
 * A pool a test keeps beside its queries, for a file or a suite. An idle pooled connection that the
 * server ends (a backend terminated or crashed and the server reset, the embedded server closing it)
 * is an 'error' event on the pool: unheard, Node throws it as an uncaught exception and Vitest fails
 * the run outside any test. The pool has already dropped that client and opens another for the next
 * query; a query in flight still fails on its own, in the test that made it.
 */
export function testPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', () => undefined);
  return pool;
}
