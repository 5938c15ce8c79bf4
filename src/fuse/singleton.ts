/**
 * One value per process under `name`, created on first use. Next loads the proxy, route handlers
 * and pages as separate bundles, each with its own copy of every module, so a module-level value
 * would exist once per bundle; globalThis is the one thing they all share.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  const slots = globalThis as typeof globalThis & Record<symbol, unknown>;
  const key = Symbol.for(`fuse.${name}`);
  if (!(key in slots)) slots[key] = create();
  return slots[key] as T;
}
