import { cookies } from 'next/headers';
import { jwtVerify } from 'jose';
import pg from 'pg';

// The same work FUSE does for a signed-in read, and nothing else: verify the HS256 session cookie
// (FUSE's own token, same secret and audience), then read the business's 50 newest active clients.
const key = new TextEncoder().encode(process.env.SESSION_SECRET);
const pool = (globalThis.bareBenchPool ??= new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 }));

export async function session() {
  const token = (await cookies()).get('FUSE_SESSION')?.value;
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], audience: 'fuse:session' });
    return typeof payload.bid === 'string' ? payload : null;
  } catch {
    return null;
  }
}

export async function activeClients(businessId) {
  const { rows } = await pool.query(
    `select id, email, first_name, last_name, status, phone, company, notes, created_at, updated_at
       from clients where business_id = $1 and status = 'active' order by id desc limit 50`,
    [businessId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    status: r.status,
    phone: r.phone,
    company: r.company,
    notes: r.notes,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
}
