import { processSingleton } from '@/fuse/singleton';

/**
 * The entries of the read cache (src/fuse/http/read-cache.ts), apart from it so that a restore,
 * which runs outside the app's server bundle too (the restore command), can clear it.
 */
type Entry = { value: unknown; bytes: number };

export class ReadCache {
  private entries = new Map<string, Entry>();
  private bytes = 0;

  get(key: string): unknown {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Most recently used last: Map keeps insertion order, so eviction takes the first key.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** `size`: the value's bytes as held (a JSON body's length; a page's data, its JSON's length). */
  set(key: string, value: unknown, size: number, limits: { maxEntries: number; maxBytes: number }): void {
    const bytes = size + key.length * 2;
    // One answer may take at most an eighth of the budget: a huge page must not flush the rest.
    if (limits.maxEntries === 0 || bytes > limits.maxBytes / 8) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.bytes;
    }
    this.entries.set(key, { value, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= limits.maxEntries && this.bytes <= limits.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

// One per process: route bundles and the restore share it.
export const readCacheStore = processSingleton('readCache', () => new ReadCache());

/** Empties this process's read cache: after a restore or any other write that bypasses the outbox. */
export function clearReadCache(): void {
  readCacheStore.clear();
}

/** Entries and bytes held (tests, diagnostics). */
export function readCacheSize(): { entries: number; bytes: number } {
  return readCacheStore.size;
}
