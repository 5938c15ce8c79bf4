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

/** Reads the password from FUSE_ADMIRAL_PASSWORD, else the first line of standard input. */
export async function readAdmiralPassword(): Promise<string | undefined> {
  if (process.env.FUSE_ADMIRAL_PASSWORD) return process.env.FUSE_ADMIRAL_PASSWORD;
  if (process.stdin.isTTY) process.stdout.write('Password for the admiral (input is shown; prefer FUSE_ADMIRAL_PASSWORD): ');
  let data = '';
  for await (const chunk of process.stdin) {
    data += String(chunk);
    if (data.includes('\n')) break;
  }
  const line = data.split('\n')[0]?.replace(/\r$/, '');
  return line || undefined;
}
