import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/fuse/db/embedded';
import { looseEntries } from '../setup/file-modes';

/**
 * The embedded database is a TCP port on 127.0.0.1 that every local user can reach: it admits only
 * a client that knows this start's password, and its files are readable by their owner only.
 */

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

/** The startup packet of protocol 3.0, as any client sends it first. */
function startupPacket(user = 'postgres'): Buffer {
  const params = Buffer.from(`user\0${user}\0database\0postgres\0\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, params]);
}

/** A simple query message. */
function query(text: string): Buffer {
  const body = Buffer.from(`${text}\0`);
  const head = Buffer.alloc(5);
  head.write('Q', 0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** Sends raw bytes, collects everything the server answers until it closes the connection (or 5 s pass). */
function rawExchange(port: number, chunks: Buffer[]): Promise<Buffer> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(received));
    };
    const timer = setTimeout(done, 5_000);
    socket.on('data', (d) => received.push(d));
    socket.on('close', done);
    socket.on('error', done);
  });
}

/** The backend messages in a reply: [type, body]. */
function messages(reply: Buffer): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  let i = 0;
  while (i + 5 <= reply.length) {
    const length = reply.readInt32BE(i + 1);
    out.push([String.fromCharCode(reply[i]!), reply.subarray(i + 5, i + 1 + length)]);
    i += 1 + length;
  }
  return out;
}

/** True when the server told the client it is authenticated, or answered a query. */
function admitted(reply: Buffer): boolean {
  return messages(reply).some(
    ([type, body]) => (type === 'R' && body.length >= 4 && body.readInt32BE(0) === 0) || type === 'Z' || type === 'T' || type === 'D',
  );
}

describe('the embedded database admits only a client with its password', () => {
  let db: EmbeddedDatabase;
  beforeAll(async () => {
    db = await startEmbeddedDatabase('memory://');
  });
  afterAll(() => db?.stop());

  it('the URL it hands out carries a random password, new on every start', () => {
    const password = new URL(db.url).password;
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(password).not.toBe('postgres');
  });

  it('refuses a client without a password, with a wrong one, and with the old fixed one; admits the right one', async () => {
    await expect(connect(withPassword(db.url, ''))).rejects.toThrow();
    await expect(connect(withPassword(db.url, 'postgres'))).rejects.toThrow(/password authentication failed/);
    await expect(connect(withPassword(db.url, `${new URL(db.url).password}x`))).rejects.toThrow(/password authentication failed/);
    const client = await connect(db.url);
    try {
      expect((await client.query('select 41 + 1 as answer')).rows).toEqual([{ answer: 42 }]);
    } finally {
      await client.end();
    }
  });

  it('a client that skips authentication and sends a query gets a FATAL error and no answer', async () => {
    const reply = await rawExchange(db.port, [startupPacket(), query('select 1')]);
    expect(admitted(reply)).toBe(false);
    const errors = messages(reply).filter(([type]) => type === 'E');
    expect(errors).toHaveLength(1);
    expect(errors[0]![1].toString()).toContain('FATAL');
  });

  it('a cancel request or an unknown protocol is refused without reaching the database', async () => {
    const cancel = Buffer.alloc(16);
    cancel.writeInt32BE(16, 0);
    cancel.writeInt32BE(80877102, 4);
    expect(admitted(await rawExchange(db.port, [cancel]))).toBe(false);
    const v2 = Buffer.from(startupPacket());
    v2.writeInt32BE(131072, 4);
    expect(admitted(await rawExchange(db.port, [v2, query('select 1')]))).toBe(false);
  });

  it('whatever a client sends after the startup packet, it is never admitted without the password', async () => {
    const anyMessage = fc.record({
      type: fc.constantFrom(0x70, 0x51, 0x50, 0x58, 0x00), // p, Q, P, X, nothing
      body: fc.uint8Array({ maxLength: 200 }),
      lie: fc.boolean(), // a declared length that does not match the body
    });
    await fc.assert(
      fc.asyncProperty(fc.array(anyMessage, { minLength: 1, maxLength: 4 }), async (sent) => {
        const chunks = [startupPacket()];
        for (const m of sent) {
          const head = Buffer.alloc(5);
          head[0] = m.type;
          head.writeInt32BE(m.lie ? 4 : m.body.length + 4, 1);
          chunks.push(head, Buffer.from(m.body));
        }
        chunks.push(query('select 1'));
        const reply = await rawExchange(db.port, chunks);
        expect(admitted(reply)).toBe(false);
      }),
      { numRuns: 25 },
    );
  });

  it('a SCRAM exchange with a forged proof is refused', async () => {
    const first = 'n,,n=*,r=abcdefghijklmnopqrstuvwx';
    const initial = Buffer.concat([Buffer.from('SCRAM-SHA-256\0'), Buffer.alloc(4), Buffer.from(first)]);
    initial.writeInt32BE(Buffer.byteLength(first), 14);
    const frame = (body: Buffer) => {
      const head = Buffer.alloc(5);
      head.write('p', 0);
      head.writeInt32BE(body.length + 4, 1);
      return Buffer.concat([head, body]);
    };
    // Step by step: read the server's nonce, answer with a proof made from a guessed password.
    const reply = await new Promise<Buffer>((resolve) => {
      const received: Buffer[] = [];
      const socket = net.connect(db.port, '127.0.0.1', () => socket.write(Buffer.concat([startupPacket(), frame(initial)])));
      socket.on('data', (d) => {
        received.push(d);
        const all = Buffer.concat(received);
        const continued = messages(all).find(([type, body]) => type === 'R' && body.readInt32BE(0) === 11);
        if (continued && !socket.writableEnded) {
          const nonce = /r=([^,]+)/.exec(continued[1].subarray(4).toString())![1]!;
          socket.write(frame(Buffer.from(`c=biws,r=${nonce},p=${Buffer.alloc(32, 7).toString('base64')}`)));
          socket.write(query('select 1'));
          socket.end();
        }
      });
      socket.on('close', () => resolve(Buffer.concat(received)));
      socket.on('error', () => resolve(Buffer.concat(received)));
    });
    expect(admitted(reply)).toBe(false);
    expect(reply.toString()).toContain('password authentication failed');
  });
});

describe('the embedded database keeps its files private', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fuse-embedded-modes-'));
  const dataDir = path.join(root, 'pglite');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('creates its data directory 0700 with files 0600, and fixes an existing one made with looser modes', async () => {
    // As a shell with the usual umask 022 (or a careless 000) would leave things.
    const previous = process.umask(0o000);
    try {
      let db = await startEmbeddedDatabase(dataDir);
      try {
        const client = await connect(db.url);
        await client.query('create table kept (n int); insert into kept values (7)');
        await client.end();
      } finally {
        await db.stop();
      }
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(looseEntries(dataDir)).toEqual([]);

      // An install from before: world-readable directories and files.
      const loosen = (entry: string) => {
        const stat = lstatSync(entry);
        if (stat.isDirectory()) {
          chmodSync(entry, 0o755);
          for (const name of readdirSync(entry)) loosen(path.join(entry, name));
        } else chmodSync(entry, 0o666);
      };
      loosen(dataDir);
      writeFileSync(path.join(dataDir, 'stray-note'), 'left by hand', { mode: 0o644 });
      expect(looseEntries(dataDir).length).toBeGreaterThan(10);

      db = await startEmbeddedDatabase(dataDir);
      try {
        expect(looseEntries(dataDir)).toEqual([]);
        const client = await connect(db.url);
        expect((await client.query('select n from kept')).rows).toEqual([{ n: 7 }]);
        await client.end();
      } finally {
        await db.stop();
      }
      expect(looseEntries(dataDir)).toEqual([]);
    } finally {
      process.umask(previous);
    }
  });
});

describe('the embedded database killed (kill -9)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'fuse-embedded-kill-'));
  const dataDir = path.join(root, 'pglite');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('stops at once after it was killed, and starts again at the same URL with every committed row', async () => {
    const db = await startEmbeddedDatabase(dataDir);
    let again: EmbeddedDatabase | undefined;
    try {
      const client = await connect(db.url);
      client.on('error', () => undefined); // the kill below breaks its connection
      await client.query('create table kept (n int)');
      for (let n = 1; n <= 50; n++) await client.query('insert into kept values ($1)', [n]);
      const exited = new Promise((resolve) => db.child.once('exit', resolve));
      db.child.kill('SIGKILL');
      await exited;
      await client.end().catch(() => undefined);
      // 'exit' has been emitted already: stop() must not wait for it again.
      await expect(Promise.race([db.stop().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('waiting'), 2_000))])).resolves.toBe(
        'stopped',
      );

      again = await db.restart();
      expect(again.url).toBe(db.url);
      const reconnected = await connect(db.url);
      expect((await reconnected.query('select count(*)::int as n, sum(n)::int as total from kept')).rows).toEqual([{ n: 50, total: 1275 }]);
      await reconnected.end();
    } finally {
      await again?.stop();
      await db.stop();
    }
  });
});
