/**
 * A client worker of `npm run bench:live` (forked by bench/live.ts): holds live streams open on raw
 * `net` sockets and reports when each event arrived. It writes the HTTP request by hand and only
 * scans the received bytes for `\nid: <n>` lines, with one shared read buffer (`onread`), so that
 * thousands of streams cost as little client CPU as possible.
 *
 * Receipt times are `process.hrtime.bigint()` (CLOCK_MONOTONIC on Linux): the same clock in every
 * process, so the parent compares them with its own commit times. (`performance.now()` counts from
 * each process's own start and is not comparable across processes.)
 *
 * Each stream belongs to a business, a small integer the parent chose (0 for every stream when they
 * all sign in to one business), so that receipts are reported per business: the parent checks that
 * an event reached every stream of the business it was committed to, and no other.
 *
 * Messages in: { type: 'open', port, path, groups: [{ cookie, business, count }] } (count streams
 * signed in with cookie) | { type: 'report' } | { type: 'reset' } (close every stream) | { type: 'close' }.
 * Messages out: { type: 'opened', streams } | { type: 'all', id, business } (every stream of this
 * worker in that business has event `id`) | { type: 'times', ids, times, businesses } (one entry per
 * receipt) | { type: 'error', message }.
 */
import net from 'node:net';

/** `port`: the app instance these streams connect to (default: the message's port). */
export type OpenGroup = { cookie: string; business: number; count: number; port?: number };
type Message = { type: 'open'; port: number; path: string; groups: OpenGroup[] } | { type: 'report' } | { type: 'reset' } | { type: 'close' };

const NEEDLE = Buffer.from('\nid: ');
const NL = 10;
let sockets: net.Socket[] = [];
/** Open streams of this worker per business. */
let businessSockets: number[] = [];
let ids: number[] = [];
let times: number[] = [];
let businesses: number[] = [];
/** Receipts so far per (event, business), keyed id * BUSINESS_KEYS + business. */
const counts = new Map<number, number>();
const BUSINESS_KEYS = 2 ** 20;
// One read buffer for every socket: reads are handled synchronously, one at a time.
const readBuffer = Buffer.allocUnsafe(64 * 1024);

const send = (m: unknown) => process.send!(m);

function record(id: number, at: number, business: number) {
  ids.push(id);
  times.push(at);
  businesses.push(business);
  const key = id * BUSINESS_KEYS + business;
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  if (n === businessSockets[business]) send({ type: 'all', id, business });
}

/** Reads `\nid: <digits>\n` occurrences; returns the offset of an unfinished tail to keep, or -1. */
function scan(buf: Buffer, at: number, business: number): number {
  let from = 0;
  for (;;) {
    const i = buf.indexOf(NEEDLE, from);
    if (i === -1) break;
    const end = buf.indexOf(NL, i + NEEDLE.length);
    if (end === -1) return i;
    let id = 0;
    for (let k = i + NEEDLE.length; k < end; k++) id = id * 10 + (buf[k]! - 48);
    record(id, at, business);
    from = end;
  }
  // The needle itself may be cut at the end of this read.
  return Math.max(from, buf.length - NEEDLE.length);
}

function openOne(port: number, cookie: string, path: string, business: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let phase: 'status' | 'hello' | 'live' = 'status';
    let head = '';
    let carry: Buffer | null = null;
    const socket = net.connect({
      host: '127.0.0.1',
      port,
      noDelay: true,
      onread: {
        buffer: readBuffer,
        callback: (nread: number, buffer: Uint8Array) => {
          const at = Number(process.hrtime.bigint());
          let buf = Buffer.from(buffer.buffer, buffer.byteOffset, nread);
          if (phase !== 'live') {
            head += buf.toString('latin1');
            if (phase === 'status' && head.length >= 12) {
              if (!head.startsWith('HTTP/1.1 200')) {
                reject(new Error(`stream refused: ${head.slice(0, head.indexOf('\r'))}`));
                socket.destroy();
                return false;
              }
              phase = 'hello';
            }
            const ready = head.indexOf('event: ready');
            if (phase === 'hello' && ready !== -1) {
              phase = 'live';
              sockets.push(socket);
              businessSockets[business] = (businessSockets[business] ?? 0) + 1;
              resolve();
              buf = Buffer.from(head.slice(ready), 'latin1');
              head = '';
            } else return true;
          }
          if (carry) buf = Buffer.concat([carry, buf]);
          const keep = scan(buf, at, business);
          // Copied: the read buffer is reused by the next read.
          carry = keep >= 0 && keep < buf.length ? Buffer.from(buf.subarray(keep)) : null;
          return true;
        },
      },
    });
    socket.on('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${cookie}\r\nAccept: text/event-stream\r\n\r\n`);
    });
    socket.on('error', (err) => (phase === 'live' ? undefined : reject(err)));
  });
}

process.on('message', (m: Message) => {
  if (m.type === 'open') {
    void (async () => {
      try {
        const pending = m.groups.flatMap((g) => {
          if (!(g.business >= 0 && g.business < BUSINESS_KEYS)) throw new Error(`business ${g.business} out of range`);
          return Array.from({ length: g.count }, () => g);
        });
        for (let opened = 0; opened < pending.length;) {
          const batch = pending.slice(opened, opened + 100);
          await Promise.all(batch.map((g) => openOne(g.port ?? m.port, g.cookie, m.path, g.business)));
          opened += batch.length;
        }
        send({ type: 'opened', streams: sockets.length });
      } catch (err) {
        send({ type: 'error', message: (err as Error).message });
      }
    })();
  } else if (m.type === 'report') {
    send({ type: 'times', ids, times, businesses });
    ids = [];
    times = [];
    businesses = [];
    counts.clear();
  } else if (m.type === 'reset') {
    for (const s of sockets) s.destroy();
    sockets = [];
    businessSockets = [];
    ids = [];
    times = [];
    businesses = [];
    counts.clear();
    send({ type: 'opened', streams: 0 });
  } else if (m.type === 'close') {
    for (const s of sockets) s.destroy();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
