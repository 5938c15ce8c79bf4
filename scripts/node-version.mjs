// The Node.js versions FUSE runs on: package.json "engines" (what Sentry's packages need). Checked by
// scripts/start.mjs before anything else, so an older Node says so instead of failing somewhere inside.
export const SUPPORTED_NODE = '^20.19.0 || ^22.12.0 || >=24.0.0';

/** Whether `version` (e.g. process.versions.node) is in SUPPORTED_NODE. */
export function supportedNode(version) {
  const [major, minor] = String(version).replace(/^v/, '').split('.').map(Number);
  if (!Number.isInteger(major) || !Number.isInteger(minor)) return false;
  return (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 24;
}

export function unsupportedNodeMessage(version) {
  return (
    `fuse: FUSE needs Node.js 20.19 or newer on the 20 line, 22.12 or newer on the 22 line, or 24 and later ` +
    `(package.json "engines": ${SUPPORTED_NODE}); this is ${version}. Install a supported version, e.g. \`nvm install 22\`.`
  );
}
