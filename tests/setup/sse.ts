/** A small server-sent events reader for tests and the live benchmark (Node 20 has no EventSource). */
export type SseEvent = { id: string | null; event: string; data: string; receivedAt: number };

export type SseReader = {
  events: SseEvent[];
  comments: number;
  /** Resolves with the first event (already received or next) matching `match`. */
  next: (match?: (e: SseEvent) => boolean, timeoutMs?: number) => Promise<SseEvent>;
  ended: Promise<void>;
  close: () => void;
};

export function readSse(stream: ReadableStream<Uint8Array>, onEvent?: (e: SseEvent) => void): SseReader {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  const waiters = new Set<{ match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }>();
  const state: SseReader = {
    events,
    comments: 0,
    next: (match = () => true, timeoutMs = 5_000) => {
      const seen = events.find((e) => match(e) && !taken.has(e));
      if (seen) {
        taken.add(seen);
        return Promise.resolve(seen);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (e: SseEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        waiters.add(waiter);
      });
    },
    ended: Promise.resolve(),
    close: () => void reader.cancel().catch(() => undefined),
  };
  const taken = new Set<SseEvent>();
  let buffer = '';
  const dispatch = (block: string) => {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    let onlyComments = true;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      onlyComments = false;
      const i = line.indexOf(':');
      const field = i === -1 ? line : line.slice(0, i);
      const value = i === -1 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (onlyComments) {
      state.comments++;
      return;
    }
    if (data.length === 0) return;
    const e: SseEvent = { id, event, data: data.join('\n'), receivedAt: performance.now() };
    events.push(e);
    onEvent?.(e);
    for (const w of waiters) {
      if (w.match(e)) {
        waiters.delete(w);
        taken.add(e);
        w.resolve(e);
        break;
      }
    }
  };
  state.ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      /* cancelled */
    }
  })();
  return state;
}
