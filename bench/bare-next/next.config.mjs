// The bare floor: Next.js with nothing of FUSE. bench/lib.ts hard-links the repository's node_modules
// here (next, react, jose, pg) and the app is its own root: with the repository as root, Next would
// find and build the repository's src/instrumentation.ts and src/proxy.ts into this app.
const root = import.meta.dirname;

export default {
  poweredByHeader: false,
  outputFileTracingRoot: root,
  turbopack: { root },
  serverExternalPackages: ['pg'],
};
