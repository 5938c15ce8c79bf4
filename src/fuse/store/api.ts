/** The browser side of FUSE's JSON API, shared by every domain slice. */

/** A refused request: the server's message (field messages joined), its status and the fields. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function fetchJson<T>(url: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
    credentials: 'same-origin',
  });
  const body = (await res.json().catch(() => ({}))) as { error?: string; fields?: Record<string, string> };
  if (!res.ok) {
    const fieldText = body.fields ? Object.values(body.fields).join(' ') : '';
    throw new ApiError(fieldText || body.error || `Request failed (${res.status}).`, res.status, body.fields);
  }
  return body as T;
}

let counter = 0;

/**
 * The mutation ids this tab sent lately, oldest first: a live change carrying one is this tab's own
 * echo, whenever it arrives (before or after the request's answer, on this page or the next).
 * Browser only: the server never sends a mutation.
 */
const sentByThisTab = new Set<string>();
const SENT_KEPT = 200;

/** A client mutation id: sent with a change so its live echo confirms it instead of duplicating it. */
export function newMutationId(): string {
  const id = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `m-${Date.now()}-${++counter}`;
  sentByThisTab.add(id);
  if (sentByThisTab.size > SENT_KEPT) sentByThisTab.delete(sentByThisTab.values().next().value!);
  return id;
}

/** Whether a live change is the echo of a mutation this tab sent (not someone else's change). */
export function sentHere(mutationId: string | null): boolean {
  return mutationId !== null && sentByThisTab.has(mutationId);
}
