#!/usr/bin/env bash
# The domain template cannot rot: copies the repository into a scratch folder (tracked and new files,
# node_modules hard-linked), runs `fuse new-domain` there for a sample name, then lint, format,
# typecheck, the unit tests of the registries and the generated domain's own tests: its database
# test on PGlite and PostgreSQL, and its e2e test with the ranks matrix against a production build.
# Usage: scripts/check-new-domain.sh [name]   (default: projects). Needs DATABASE_URL like npm test.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NAME="${1:-projects}"
SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/fuse-new-domain.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT

started=$SECONDS
phase() { echo "check-new-domain: $1 ($((SECONDS - started)) s)"; }

cd "$ROOT"
# The working tree as it is (uncommitted changes included), without ignored files.
git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$SCRATCH"
cp -al node_modules "$SCRATCH/node_modules"
# The typecheck's incremental state, when there is one: only what changed is checked again.
[ -f tsconfig.tsbuildinfo ] && cp tsconfig.tsbuildinfo "$SCRATCH/"
phase "copied the repository into $SCRATCH"

cd "$SCRATCH"
node scripts/start.mjs new-domain "$NAME"
phase "generated the $NAME domain"

changed=(src/domains/"$NAME" src/app/api/"$NAME" src/app/dashboard/"$NAME" tests/db/"$NAME".test.ts tests/e2e/"$NAME".test.ts
  src/fuse/auth/permissions.ts src/fuse/auth/read-access.ts src/app/dashboard/domains.ts tests/e2e/ranks-matrix.test.ts tests/unit/permissions.test.ts tests/unit/live-read-access.test.ts)
npx eslint --max-warnings 0 src/domains "${changed[@]}"
npx prettier --check "${changed[@]}"
npx tsc --noEmit
phase "lint, format and typecheck passed"

export FUSE_DIST_DIR="${FUSE_DIST_DIR:-.next-test}"
npx vitest run --project unit --project db tests/unit/domain-manifests.test.ts tests/unit/permissions.test.ts \
  tests/unit/live-read-access.test.ts tests/db/"$NAME".test.ts
phase "unit and database tests passed"
npx vitest run --project e2e tests/e2e/"$NAME".test.ts tests/e2e/ranks-matrix.test.ts
phase "e2e tests passed (production build included)"
