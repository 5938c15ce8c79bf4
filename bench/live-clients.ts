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
 * Messages in: { type: 'open', count, port, cookie, path } | { type: 'report' } | { type: 'close' }.
 * Messages out: { type: 'opened', streams } | { type: 'all', id } (every stream of this worker has
 * event `id`) | { type: 'times', ids, times } | { type: 'error', message }.
 */
import net from 'node:net';

type Message = { type: 'open'; count: number; port: number; cookie: string; path: string } | { type: 'report' } | { type: 'close' };

const NEEDLE = Buffer.from('\nid: ');
const NL = 10;
const sockets: net.Socket[] = [];
let ids: number[] = [];
let times: number[] = [];
const counts = new Map<number, number>();
// One read buffer for every socket: reads are handled synchronously, one at a time.
const readBuffer = Buffer.allocUnsafe(64 * 1024);

const send = (m: unknown) => process.send!(m);

function record(id: number, at: number) {
  ids.push(id);
  times.push(at);
  const n = (counts.get(id) ?? 0) + 1;
  counts.set(id, n);
  if (n === sockets.length) send({ type: 'all', id });
}

/** Reads `\nid: <digits>\n` occurrences; returns the offset of an unfinished tail to keep, or -1. */
function scan(buf: Buffer, at: number): number {
  let from = 0;
  for (;;) {
    const i = buf.indexOf(NEEDLE, from);
    if (i === -1) break;
    const end = buf.indexOf(NL, i + NEEDLE.length);
    if (end === -1) return i;
    let id = 0;
    for (let k = i + NEEDLE.length; k < end; k++) id = id * 10 + (buf[k]! - 48);
    record(id, at);
    from = end;
  }
  // The needle itself may be cut at the end of this read.
  return Math.max(from, buf.length - NEEDLE.length);
}

function openOne(port: number, cookie: string, path: string): Promise<void> {
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
              resolve();
              buf = Buffer.from(head.slice(ready), 'latin1');
              head = '';
            } else return true;
          }
          if (carry) buf = Buffer.concat([carry, buf]);
          const keep = scan(buf, at);
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
        for (let opened = 0; opened < m.count; ) {
          const batch = Math.min(100, m.count - opened);
          await Promise.all(Array.from({ length: batch }, () => openOne(m.port, m.cookie, m.path)));
          opened += batch;
        }
        send({ type: 'opened', streams: sockets.length });
      } catch (err) {
        send({ type: 'error', message: (err as Error).message });
      }
    })();
  } else if (m.type === 'report') {
    send({ type: 'times', ids, times });
    ids = [];
    times = [];
    counts.clear();
  } else if (m.type === 'close') {
    for (const s of sockets) s.destroy();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
