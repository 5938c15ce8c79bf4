/** Reads a small JSON beacon body (sendBeacon sends text/plain or application/json), bounded in size. */
export async function readBeacon(
  request: Request,
  maxBytes: number,
): Promise<{ ok: true; value: unknown } | { ok: false; status: number; error: string }> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) return { ok: false, status: 413, error: 'Report too large.' };
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) return { ok: false, status: 413, error: 'Report too large.' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, error: 'The report is not valid JSON.' };
  }
}
