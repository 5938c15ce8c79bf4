import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';

/**
 * A password check in front of the embedded database. PGlite has no roles or passwords and its wire
 * server (pglite-socket) lets every connection in, so on a TCP port any local user could read and
 * rewrite every tenant. This server answers the start of the PostgreSQL protocol itself: it asks for
 * SCRAM-SHA-256, as PostgreSQL does (the password never crosses the socket), and joins a client to
 * the database only once it has proved it knows the password. Anything else ends the connection.
 */

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
/** PostgreSQL's own limit on a startup packet. */
const MAX_STARTUP_BYTES = 10_000;
/** A SASL message is a few hundred bytes. */
const MAX_SASL_BYTES = 2_000;
const MECHANISM = 'SCRAM-SHA-256';
const ITERATIONS = 4096;

type Verifier = { salt: Buffer; iterations: number; storedKey: Buffer; serverKey: Buffer };

function hmac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}

/** The SCRAM keys of a password (RFC 5802), derived once per server. */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = ITERATIONS): Verifier {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  return {
    salt,
    iterations,
    storedKey: createHash('sha256').update(hmac(salted, 'Client Key')).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function authentication(code: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const body = Buffer.alloc(4 + data.length);
  body.writeInt32BE(code, 0);
  data.copy(body, 4);
  return message('R', body);
}

function fatal(code: string, text: string): Buffer {
  const fields = ['SFATAL', 'VFATAL', `C${code}`, `M${text}`].map((f) => `${f}\0`).join('');
  return message('E', Buffer.from(`${fields}\0`, 'utf8'));
}

/** `a=1,b=2` → Map; a repeated or malformed attribute makes the whole message invalid. */
function attributes(text: string): Map<string, string> | null {
  const out = new Map<string, string>();
  for (const part of text.split(',')) {
    if (part.length < 2 || part[1] !== '=' || out.has(part[0]!)) return null;
    out.set(part[0]!, part.slice(2));
  }
  return out;
}

type Options = {
  password: string;
  /** A connection to the database itself, opened once a client has authenticated. */
  upstream: () => net.Socket;
  /** A client must finish authenticating within this time. */
  timeoutMs?: number;
};

/** A TCP server that admits only clients that know `password`, then relays them to `upstream()`. */
export function passwordProtectedServer({ password, upstream, timeoutMs = 10_000 }: Options): net.Server {
  const verifier = scramVerifier(password);
  return net.createServer((client) => admit(client, verifier, upstream, timeoutMs));
}

function admit(client: net.Socket, verifier: Verifier, upstream: () => net.Socket, timeoutMs: number) {
  let buffer = Buffer.alloc(0);
  let phase: 'startup' | 'initial' | 'final' | 'joined' = 'startup';
  let startup = Buffer.alloc(0);
  let user = '';
  let gs2Header = '';
  let clientFirstBare = '';
  let serverFirst = '';
  let nonce = '';

  client.setTimeout(timeoutMs, () => client.destroy());
  client.on('error', () => client.destroy());

  const refuse = (code: string, text: string) => {
    phase = 'joined'; // no further input is read
    client.removeListener('data', onData);
    client.end(fatal(code, text));
  };
  const authFailed = () => refuse('28P01', `password authentication failed for user "${user}"`);

  /** The next complete password message ('p'), or null while it is still arriving. */
  const nextPasswordMessage = (): Buffer | null | 'bad' => {
    if (buffer.length < 5) return null;
    const length = buffer.readInt32BE(1);
    if (buffer[0] !== 0x70 || length < 4 || length > MAX_SASL_BYTES) return 'bad';
    if (buffer.length < 1 + length) return null;
    const body = buffer.subarray(5, 1 + length);
    buffer = buffer.subarray(1 + length);
    return body;
  };

  const onStartup = (): boolean => {
    if (buffer.length < 8) return false;
    const length = buffer.readInt32BE(0);
    if (length < 8 || length > MAX_STARTUP_BYTES) {
      refuse('08P01', 'invalid startup packet length');
      return false;
    }
    if (buffer.length < length) return false;
    const code = buffer.readInt32BE(4);
    const packet = buffer.subarray(0, length);
    buffer = buffer.subarray(length);
    if (length === 8 && (code === SSL_REQUEST || code === GSSENC_REQUEST)) {
      client.write('N'); // no TLS on a loopback socket: the client goes on in plain text
      return true;
    }
    if (code !== PROTOCOL_3) {
      refuse('08P01', 'unsupported frontend protocol or request (a cancel request needs an authenticated session)');
      return false;
    }
    const params = packet.subarray(8).toString('utf8').split('\0');
    for (let i = 0; i + 1 < params.length; i += 2) if (params[i] === 'user') user = params[i + 1]!;
    startup = Buffer.from(packet);
    phase = 'initial';
    client.write(authentication(10, Buffer.from(`${MECHANISM}\0\0`, 'utf8')));
    return true;
  };

  const onInitial = (body: Buffer) => {
    const end = body.indexOf(0);
    if (end < 0 || body.subarray(0, end).toString('utf8') !== MECHANISM || body.length < end + 5) return authFailed();
    const declared = body.readInt32BE(end + 1);
    const text = body.subarray(end + 5).toString('utf8');
    if (declared !== Buffer.byteLength(text)) return authFailed();
    // gs2 header: "n,," or "y,," (no channel binding is offered); then the bare message.
    const match = /^([ny]),,(.*)$/s.exec(text);
    const attrs = match ? attributes(match[2]!) : null;
    const clientNonce = attrs?.get('r');
    if (!match || !attrs || !attrs.has('n') || attrs.has('m') || !clientNonce || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) {
      return authFailed();
    }
    gs2Header = `${match[1]},,`;
    clientFirstBare = match[2]!;
    nonce = clientNonce + randomBytes(18).toString('base64');
    serverFirst = `r=${nonce},s=${verifier.salt.toString('base64')},i=${verifier.iterations}`;
    phase = 'final';
    client.write(authentication(11, Buffer.from(serverFirst, 'utf8')));
  };

  const onFinal = (body: Buffer) => {
    const text = body.toString('utf8');
    const proofAt = text.lastIndexOf(',p=');
    const attrs = proofAt > 0 ? attributes(text.slice(0, proofAt)) : null;
    if (!attrs || attrs.get('c') !== Buffer.from(gs2Header).toString('base64') || attrs.get('r') !== nonce) {
      return authFailed();
    }
    const withoutProof = text.slice(0, proofAt);
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = hmac(verifier.storedKey, authMessage);
    if (proof.length !== signature.length) return authFailed();
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ signature[i]!;
    if (!timingSafeEqual(createHash('sha256').update(clientKey).digest(), verifier.storedKey)) return authFailed();

    // Authenticated: the database answers the startup packet itself (AuthenticationOk, parameters).
    phase = 'joined';
    client.removeListener('data', onData);
    client.setTimeout(0);
    client.write(authentication(12, Buffer.from(`v=${hmac(verifier.serverKey, authMessage).toString('base64')}`, 'utf8')));
    const db = upstream();
    db.on('error', () => client.destroy());
    client.on('close', () => db.destroy());
    db.on('close', () => client.destroy());
    db.write(startup);
    if (buffer.length) db.write(buffer);
    buffer = Buffer.alloc(0);
    db.pipe(client);
    client.pipe(db);
  };

  function onData(chunk: Buffer) {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (phase === 'joined') return;
      if (phase === 'startup') {
        if (!onStartup()) return;
        continue;
      }
      const body = nextPasswordMessage();
      if (body === null) return;
      if (body === 'bad') return refuse('08P01', 'expected a SASL response');
      if (phase === 'initial') onInitial(body);
      else onFinal(body);
    }
  }

  client.on('data', onData);
}
