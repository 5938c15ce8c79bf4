/**
 * The live events of every domain, by domain and kind, with their payload types. Each domain
 * declares its own in `src/domains/<domain>/events.ts`, by adding itself to this interface
 * (`declare module '@/fuse/live/events'`), so src/fuse names no domain and the writer
 * (recordChange) and the reader (a slice's `apply`) share one type per event.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by each domain's events.ts
export interface LiveEvents {}

export type LiveDomain = keyof LiveEvents & string;

/** One domain's events: `{ domain, kind, data }` with the payload type of that kind. */
export type LiveEventOf<D extends LiveDomain> = {
  [K in keyof LiveEvents[D] & string]: { domain: D; kind: K; data: LiveEvents[D][K] };
}[keyof LiveEvents[D] & string];

/** Any domain's event. */
export type AnyLiveEvent = { [D in LiveDomain]: LiveEventOf<D> }[LiveDomain];
