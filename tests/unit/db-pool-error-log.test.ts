import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPool } from '@/fuse/db/client';
import { createLogger, logger } from '@/fuse/observability/logger';

describe('database pool client error log line', () => {
  afterEach(() => vi.restoreAllMocks());

  it('carries the error message and code and the pool, nothing of the driver client', async () => {
    const lines: string[] = [];
    const out = createLogger({ level: 'info', destination: new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }) });
    vi.spyOn(logger, 'error').mockImplementation(((obj: object, msg: string) => out.error(obj, msg)) as typeof logger.error);
    const pool = createPool('postgres://fuse:hunter2-secret@127.0.0.1:1/fuse', 3);
    // What pg-pool emits for an idle client's failure: the error, with the whole client attached.
    const client = {
      connectionParameters: { user: 'fuse', password: 'hunter2-secret', host: '127.0.0.1', database: 'fuse' },
      _types: { text: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [String(i), `parser-${i}`])) },
      stream: { readyState: 'closed', _writableState: { highWaterMark: 16384 } },
    };
    const err = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL', client });
    pool.emit('error', err, client);
    await pool.end();

    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(Buffer.byteLength(line)).toBeLessThan(400);
    const logged = JSON.parse(line) as { msg: string; err: Record<string, unknown>; pool: Record<string, number> };
    expect(logged.msg).toBe('database pool client error');
    expect(logged.err).toEqual({ message: 'terminating connection due to administrator command', code: '57P01' });
    expect(logged.pool).toEqual({ total: 0, idle: 0, waiting: 0 });
    expect(line).not.toMatch(/hunter2|connectionParameters|parser-|readyState|stack/);
  });
});
