/**
 * Where the demo business may be loaded. Its accounts share a published password and one of them is
 * a platform admiral, so they belong only in a database that is this machine's own: the embedded
 * development database, or one the user names with an explicit `--demo`. Never with
 * NODE_ENV=production: asking for it there is refused with a message, never skipped silently.
 */
export type DemoRequest = {
  command: 'start' | 'dev' | 'seed';
  /** `--demo` was given. */
  demoFlag: boolean;
  /** No DATABASE_URL: the embedded database under FUSE_DATA_DIR. */
  embedded: boolean;
  nodeEnv: string | undefined;
  /** FUSE_SEED_DEMO=0 keeps the embedded database's default demo out. */
  seedDemoEnv: string | undefined;
};

export type DemoDecision = { seed: true } | { seed: false; refusal: string | null; note: string | null };

export const DEMO_REFUSED_IN_PRODUCTION =
  'refusing to load the demo accounts with NODE_ENV=production: they share a published password and include a platform admiral. ' +
  'Create the admiral with `npm run fuse -- create-admiral --email you@example.com` instead. Nothing was changed.';

export const DEMO_NEEDS_FLAG =
  'DATABASE_URL is set: the demo accounts (published password, a platform admiral) go into it only with an explicit --demo ' +
  '(`npm run db:seed -- --demo`). Nothing was changed.';

export function demoDecision(request: DemoRequest): DemoDecision {
  const production = request.nodeEnv === 'production';
  const asked = request.demoFlag || request.command === 'seed';
  if (production) {
    if (asked) return { seed: false, refusal: DEMO_REFUSED_IN_PRODUCTION, note: null };
    return { seed: false, refusal: null, note: 'no demo data with NODE_ENV=production' };
  }
  if (request.demoFlag) return { seed: true };
  if (request.embedded) {
    if (request.command === 'seed' || request.seedDemoEnv !== '0') return { seed: true };
    return { seed: false, refusal: null, note: null };
  }
  if (request.command === 'seed') return { seed: false, refusal: DEMO_NEEDS_FLAG, note: null };
  return { seed: false, refusal: null, note: 'DATABASE_URL is set: no demo data (add --demo to load it there)' };
}

/**
 * The address the web server listens on: HOSTNAME when set; otherwise 127.0.0.1 for a server on the
 * embedded database or with the demo accounts (a machine's own trial, not for the network), and
 * every interface (Next's default, `undefined`) for a deployment on DATABASE_URL.
 */
export function listenHost(options: { hostnameEnv: string | undefined; embedded: boolean; demo: boolean }): string | undefined {
  if (options.hostnameEnv) return options.hostnameEnv;
  return options.embedded || options.demo ? '127.0.0.1' : undefined;
}
