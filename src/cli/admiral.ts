import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { hashPassword } from '@/fuse/auth/passwords';
import { businesses, memberships, subscriptions, users } from '@/fuse/auth/schema';
import { emailField, passwordField } from '@/fuse/auth/validators';

/**
 * `fuse create-admiral --email you@example.com [--name "Your Name"]` for a real deployment. The
 * password comes from FUSE_ADMIRAL_PASSWORD or standard input (never a command-line argument, which
 * other users of the machine can see). An existing user is promoted; a new one is created with an
 * "Operations" business of their own (every user signs in to a business).
 */
export type AdmiralResult = { created: boolean; userId: string };

export async function createAdmiral(
  db: NodePgDatabase<Record<string, unknown>>,
  input: { email: string; name?: string; password?: string },
): Promise<AdmiralResult> {
  const email = emailField.parse(input.email);
  const existing = await db.execute(sql`select id from users where lower(email) = ${email} limit 1`);
  const found = existing.rows[0] as { id: string } | undefined;
  if (found) {
    await db.execute(sql`update users set is_admiral = true, session_version = session_version + 1 where id = ${found.id}`);
    if (input.password) {
      const passwordHash = await hashPassword(passwordField.parse(input.password));
      await db.execute(sql`update users set password_hash = ${passwordHash} where id = ${found.id}`);
    }
    return { created: false, userId: found.id };
  }
  if (!input.password) throw new Error('a new admiral needs a password (FUSE_ADMIRAL_PASSWORD or standard input)');
  const passwordHash = await hashPassword(passwordField.parse(input.password));
  const name = (input.name ?? email.split('@')[0]!).trim().slice(0, 120);
  return db.transaction(async (tx) => {
    const [business] = await tx.insert(businesses).values({ name: 'Operations' }).returning();
    const [user] = await tx.insert(users).values({ email, name, passwordHash, isAdmiral: true }).returning();
    await tx.insert(memberships).values({ businessId: business!.id, userId: user!.id, rank: 'captain' });
    await tx.insert(subscriptions).values({
      businessId: business!.id,
      plan: 'free',
      status: 'active',
      currentPeriodEnd: new Date(Date.now() + 30 * 86_400_000),
    });
    return { created: true, userId: user!.id };
  });
}

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/**
 * Reads one line typed at a terminal without showing it: the terminal is put in raw mode, so the
 * characters are not echoed, and nothing of them is written back. Ctrl-C cancels, backspace deletes.
 */
export function readHiddenLine(prompt: string, input: Input = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<string> {
  // Raw mode first: a key typed the moment the prompt shows is not echoed either.
  input.setRawMode?.(true);
  output.write(prompt);
  input.setEncoding?.('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let line = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') line = line.slice(0, -1);
        else if (ch >= ' ') line += ch;
      }
    };
    input.on('data', onData);
  });
}

/**
 * The admiral's password: FUSE_ADMIRAL_PASSWORD; else, at a terminal, typed twice without echo;
 * else the first line of standard input (a pipe).
 */
export async function readAdmiralPassword(input: Input = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<string | undefined> {
  if (process.env.FUSE_ADMIRAL_PASSWORD) return process.env.FUSE_ADMIRAL_PASSWORD;
  if (input.isTTY) {
    const password = await readHiddenLine('Password for the admiral (not shown; empty keeps an existing one): ', input, output);
    if (!password) return undefined;
    const again = await readHiddenLine('The same password again: ', input, output);
    if (again !== password) throw new Error('the two passwords differ. Nothing was changed.');
    return password;
  }
  let data = '';
  for await (const chunk of input) {
    data += String(chunk);
    if (data.includes('\n')) break;
  }
  const line = data.split('\n')[0]?.replace(/\r$/, '');
  return line || undefined;
}
