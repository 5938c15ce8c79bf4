import net from 'node:net';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAdmiralPassword, readHiddenLine } from '@/cli/admiral';
import { databaseProblem, describeTarget, portAvailability, portInUseMessage } from '@/cli/problems';

/**
 * What the `fuse` command says when the machine is not as it expects (src/cli/problems.ts), and how
 * create-admiral reads a password at a terminal (src/cli/admiral.ts).
 */
const withCode = (code: string, message = `${code} happened`) => Object.assign(new Error(message), { code });

describe('an unreachable database', () => {
  const url = 'postgres://fuse:s3cr3t-pa55@db.example.com:6543/fusedb';

  it('names the host:port, the variable and what to check, for each way a connection fails', () => {
    expect(databaseProblem(withCode('ECONNREFUSED'), url, 'DATABASE_URL')).toMatch(
      /cannot reach PostgreSQL at db\.example\.com:6543 \(connection refused\).*DATABASE_URL/,
    );
    expect(databaseProblem(withCode('ENOTFOUND'), url, 'DATABASE_URL')).toMatch(/cannot find the database host "db\.example\.com"/);
    expect(databaseProblem(withCode('EAI_AGAIN'), url, 'DATABASE_URL')).toMatch(/cannot find the database host/);
    expect(databaseProblem(withCode('ETIMEDOUT'), url, 'DATABASE_DIRECT_URL')).toMatch(/did not answer.*DATABASE_DIRECT_URL/);
    expect(databaseProblem(withCode('28P01'), url, 'DATABASE_URL')).toMatch(
      /refused the password for user "fuse".*check the user and password in DATABASE_URL/,
    );
    expect(databaseProblem(withCode('28000'), url, 'DATABASE_URL')).toMatch(/does not let user "fuse" in/);
    expect(databaseProblem(withCode('3D000'), url, 'DATABASE_URL')).toMatch(
      /the database "fusedb" does not exist on db\.example\.com:6543: create it/,
    );
    expect(databaseProblem(new Error('Connection terminated due to connection timeout'), url, 'DATABASE_URL')).toMatch(/did not answer in time/);
    // Node's happy-eyeballs connect fails with an AggregateError of one error per address.
    const aggregate = Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''), {});
    expect(databaseProblem(aggregate, 'postgres://localhost/x', 'DATABASE_URL')).toMatch(/localhost:5432 \(connection refused\)/);
  });

  it('anything else is left to the caller (null)', () => {
    expect(databaseProblem(withCode('42P01', 'relation "x" does not exist'), url, 'DATABASE_URL')).toBeNull();
    expect(databaseProblem('not an error', url, 'DATABASE_URL')).toBeNull();
  });

  it('never shows the password, whatever it holds', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }),
        fc.constantFrom('ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', '28P01', '28000', '3D000', 'ECONNRESET'),
        (rest, code) => {
          // A marker no message contains by itself, then anything (quotes, @, /, %, unicode).
          const password = `Zq9x${rest}`;
          const hostile = `postgres://user:${encodeURIComponent(password)}@db.internal:5432/app`;
          const message = databaseProblem(withCode(code), hostile, 'DATABASE_URL')!;
          expect(message).toBeTruthy();
          expect(message).not.toContain('Zq9x');
        },
      ),
      { numRuns: 500 },
    );
    expect(describeTarget('not a url').where).toMatch(/could not be parsed/);
  });
});

describe('a busy port', () => {
  it('is found before serving, and the message says which port and how to choose another', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      expect(await portAvailability(port, '127.0.0.1')).toBe('in-use');
      // Next listens on every interface by default: that collides with a loopback listener too.
      expect(await portAvailability(port, undefined)).toBe('in-use');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await portAvailability(port, '127.0.0.1')).toBe('free');
    const message = portInUseMessage(port, '127.0.0.1', 'start');
    expect(message).toContain(`port ${port} is already in use`);
    expect(message).toContain(`PORT=${port + 1} npm start`);
    expect(portInUseMessage(3000, undefined, 'dev')).toContain('PORT=3001 npm run dev');
  });
});

/** A terminal as Node sees it: raw mode can be switched, and whatever is written back is recorded. */
function fakeTerminal() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    rawModes: [] as boolean[],
    setRawMode(raw: boolean) {
      this.rawModes.push(raw);
    },
  });
  let shown = '';
  const output = new PassThrough();
  output.on('data', (d: Buffer) => (shown += d.toString()));
  return { input, output, shown: () => shown };
}

describe('create-admiral reads the password without showing it', () => {
  it('at a terminal: raw mode (no echo), nothing of the password written back, backspace works', async () => {
    const t = fakeTerminal();
    const line = readHiddenLine('Password: ', t.input, t.output);
    t.input.write('correct horsx\u007fe battery\r');
    expect(await line).toBe('correct horse battery');
    expect(t.shown()).toBe('Password: \n');
    expect(t.input.rawModes).toEqual([true, false]);
  });

  it('asks twice at a terminal and refuses two different passwords; Ctrl-C cancels', async () => {
    const t = fakeTerminal();
    const password = readAdmiralPassword(t.input, t.output);
    t.input.write('first-password-1\r');
    await new Promise((r) => setTimeout(r, 10));
    t.input.write('second-password-2\r');
    await expect(password).rejects.toThrow(/differ/);
    expect(t.shown()).not.toMatch(/first-password|second-password/);

    const same = fakeTerminal();
    const ok = readAdmiralPassword(same.input, same.output);
    same.input.write('the-same-password\r');
    await new Promise((r) => setTimeout(r, 10));
    same.input.write('the-same-password\n');
    expect(await ok).toBe('the-same-password');
    expect(same.shown()).not.toContain('the-same-password');

    const cancel = fakeTerminal();
    const cancelled = readHiddenLine('Password: ', cancel.input, cancel.output);
    cancel.input.write('abc\u0003');
    await expect(cancelled).rejects.toThrow(/cancelled/);
  });

  it('from a pipe: the first line; FUSE_ADMIRAL_PASSWORD first of all', async () => {
    const pipe = new PassThrough();
    const read = readAdmiralPassword(pipe, new PassThrough());
    pipe.end('piped-password-123\nrest\n');
    expect(await read).toBe('piped-password-123');
    process.env.FUSE_ADMIRAL_PASSWORD = 'from-the-environment';
    try {
      expect(await readAdmiralPassword(new PassThrough(), new PassThrough())).toBe('from-the-environment');
    } finally {
      delete process.env.FUSE_ADMIRAL_PASSWORD;
    }
  });
});
