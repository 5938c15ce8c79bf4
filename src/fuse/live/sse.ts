import type { Change } from './outbox';

/**
 * Server-sent events framing. Written by hand: the format is four field names and blank-line
 * separators (https://html.spec.whatwg.org/multipage/server-sent-events.html), and the hub needs
 * each event encoded once as bytes to write the same buffer to thousands of streams.
 */
const encoder = new TextEncoder();

/** A comment line: keeps proxies from closing an idle stream; EventSource ignores it. */
export const HEARTBEAT = encoder.encode(':\n\n');

/** What the browser receives for one change (the LiveChange of src/fuse/store/slices.ts). */
export function changePayload(change: Change) {
  return {
    id: change.id,
    domain: change.domain,
    kind: change.kind,
    entityId: change.entityId,
    data: change.data,
    mutationId: change.mutationId,
  };
}

export function encodeChange(change: Change): Uint8Array {
  // JSON.stringify never emits a raw newline, so the payload is one `data:` line.
  return encoder.encode(`id: ${change.id}\ndata: ${JSON.stringify(changePayload(change))}\n\n`);
}

/** Tells the page its stream cannot be replayed: reload the slices, then continue after `position`. */
export function encodeResync(position: number, reason: string): Uint8Array {
  return encoder.encode(`id: ${position}\nevent: resync\ndata: ${JSON.stringify({ position, reason })}\n\n`);
}

/** The first bytes of a stream: the browser's reconnect delay, and the position the stream starts at. */
export function encodeHello(position: number, retryMs: number): Uint8Array {
  return encoder.encode(`retry: ${retryMs}\nevent: ready\ndata: ${JSON.stringify({ position })}\n\n`);
}

let lastPosition: { position: number; bytes: Uint8Array } | null = null;

/**
 * Moves the page's resume point past changes its reader may not read, without saying what they
 * were: the id only. Streams of a business at the same position share one buffer.
 */
export function encodePosition(position: number): Uint8Array {
  if (lastPosition?.position !== position) {
    lastPosition = { position, bytes: encoder.encode(`id: ${position}\nevent: position\ndata: ${JSON.stringify({ position })}\n\n`) };
  }
  return lastPosition.bytes;
}

const CRLF = Buffer.from('\r\n');
const chunks = new WeakMap<Uint8Array, Buffer>();

/**
 * The same bytes framed as one HTTP/1.1 chunk (`Transfer-Encoding: chunked`), made once per event
 * and cached: the node transport writes this one buffer to every socket with a single call.
 */
export function httpChunk(bytes: Uint8Array): Buffer {
  let chunk = chunks.get(bytes);
  if (!chunk) {
    chunk = Buffer.concat([Buffer.from(`${bytes.byteLength.toString(16)}\r\n`), bytes, CRLF]);
    chunks.set(bytes, chunk);
  }
  return chunk;
}
