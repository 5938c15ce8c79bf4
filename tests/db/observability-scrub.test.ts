import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterEach, expect, it, vi } from 'vitest';
import { users } from '@/fuse/auth/schema';
import { captureServerError } from '@/fuse/observability/errors';
import { createLogger, logger } from '@/fuse/observability/logger';
import { describeEachDatabase } from '../setup/each-database';
import { thrown } from '../setup/thrown';

const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0LXNhbHQ$secret-hash-value-0123456789';

/** What a log line (through the real logger's serializers) says about `err`. */
function loggedText(err: unknown): string {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      raw.push(String(chunk));
      cb();
    },
  });
  createLogger({ level: 'info', destination }).error({ err }, 'unhandled error in route handler');
  return raw.join('');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describeEachDatabase('a failed query is logged and captured without its parameters', ({ kind, db }) => {
  it('a unique violation: the driver detail ("Key (email)=(…)") stays out of the log line', async () => {
    const email = `dup-${kind}-${randomUUID()}@example.com`;
    await db().insert(users).values({ email, name: 'First', passwordHash: HASH });
    const err = await thrown(db().insert(users).values({ email: email.toUpperCase(), name: 'Second', passwordHash: HASH }));
    const line = loggedText(err);
    expect(line).toContain('23505');
    for (const secret of [email, email.toUpperCase(), HASH, 'Second']) expect(line).not.toContain(secret);
  });

  it('a NUL byte forced into an insert: the log line and the captured error name the query, never the email or the hash', async () => {
    const email = `params-${kind}-${randomUUID()}@example.com`;
    const err = await thrown(db().insert(users).values({ email, name: 'Nul\u0000Name', passwordHash: HASH }));
    // The driver's error does carry them: that is what must not leave the process.
    expect(`${err.message}${err.stack}`).toContain(email);

    const line = loggedText(err);
    expect(line).toContain('Failed query: insert into');
    for (const secret of [email, HASH, 'secret-hash-value', 'Nul']) expect(line).not.toContain(secret);

    const logged = vi.spyOn(logger, 'error');
    const fingerprint = await captureServerError(err, { path: '/api/auth/sign-up', method: 'POST' }, { db: db() });
    const rows = (await db().execute(sql`select name, message, stack from error_groups where fingerprint = ${fingerprint}`)).rows;
    expect(rows).toHaveLength(1);
    expect(String((rows[0] as { message: string }).message)).toContain('Failed query: insert into "users"');
    const captured = JSON.stringify(rows) + JSON.stringify(logged.mock.calls);
    expect(logged).toHaveBeenCalled();
    for (const secret of [email, HASH, 'secret-hash-value', 'Nul']) expect(captured).not.toContain(secret);
  });
});
