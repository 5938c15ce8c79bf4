/**
 * What the `fuse` command says when the machine is not as it expects: a busy port, a database it
 * cannot reach. Each message says what was wrong and what to do, never a bare driver error.
 */
import net from 'node:net';

/** Whether `port` can be listened on at `host` (undefined: every interface, as Next listens). */
export function portAvailability(port: number, host: string | undefined): Promise<'free' | 'in-use' | 'denied'> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') resolve('in-use');
      else if (err.code === 'EACCES') resolve('denied');
      else reject(err);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

export function portInUseMessage(port: number, host: string | undefined, command: 'start' | 'dev'): string {
  const script = command === 'start' ? 'npm start' : 'npm run dev';
  return (
    `port ${port} is already in use${host ? ` on ${host}` : ''}: another FUSE, or another program, is listening there. ` +
    `Stop it, or choose another port: PORT=${port === 65535 ? 3001 : port + 1} ${script} (or PORT in .env.local).`
  );
}

export function portDeniedMessage(port: number, command: 'start' | 'dev'): string {
  return `port ${port} needs privileges this user does not have. Choose a port above 1023: PORT=3000 ${command === 'start' ? 'npm start' : 'npm run dev'}.`;
}

/** Where a connection string points, without its password: `user@host:port/database`. */
export function describeTarget(url: string): { where: string; host: string; port: string; database: string; user: string } {
  try {
    const parsed = new URL(url);
    const host = decodeURIComponent(parsed.hostname) || parsed.searchParams.get('host') || 'localhost';
    const port = parsed.port || '5432';
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres';
    const user = decodeURIComponent(parsed.username) || process.env.USER || 'postgres';
    return { where: `${host}:${port}`, host, port, database, user };
  } catch {
    return { where: 'the address in the URL (it could not be parsed)', host: '?', port: '?', database: '?', user: '?' };
  }
}

type DriverError = Error & { code?: string; errors?: Array<Error & { code?: string }> };

function errorCode(err: DriverError): string | undefined {
  return err.code ?? err.errors?.find((e) => e.code)?.code;
}

/**
 * A plain-language account of a failed database connection, or null when `err` is something else.
 * `variable` names where the URL came from (DATABASE_URL, DATABASE_DIRECT_URL).
 */
export function databaseProblem(err: unknown, url: string, variable: string): string | null {
  if (!(err instanceof Error)) return null;
  const code = errorCode(err as DriverError);
  const t = describeTarget(url);
  const fallback = 'Unset it to use the embedded database instead (one machine only).';
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot reach PostgreSQL at ${t.where} (connection refused): is the server running and listening on that address? Check ${variable}. ${fallback}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot find the database host "${t.host}" (from ${variable}): check the host name and this machine's DNS. ${fallback}`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `PostgreSQL at ${t.where} did not answer (${code}): check ${variable}, the network and any firewall between here and there.`;
    case 'ECONNRESET':
      return `PostgreSQL at ${t.where} closed the connection at once: is it PostgreSQL on that port, and does it want TLS (add ?sslmode=require to ${variable})?`;
    case '28P01':
      return `PostgreSQL at ${t.where} refused the password for user "${t.user}": check the user and password in ${variable}.`;
    case '28000':
      return `PostgreSQL at ${t.where} does not let user "${t.user}" in (no such role, or pg_hba.conf has no entry for this client): check ${variable} and the server's access rules.`;
    case '3D000':
      return `the database "${t.database}" does not exist on ${t.where}: create it (createdb -h ${t.host} -p ${t.port} ${t.database}) or fix the name in ${variable}.`;
  }
  if (/connection timeout|timeout expired/i.test(err.message)) {
    return `PostgreSQL at ${t.where} did not answer in time: check ${variable}, the network and any firewall between here and there.`;
  }
  return null;
}
