# FUSE production image: multi-stage, served by the same `fuse` command as `npm start` (`next start`), non-root.
#   docker build -t fuse .
#   docker run --rm -e DATABASE_URL=… fuse node scripts/start.mjs migrate       # once per release
#   docker run -p 3000:3000 -e DATABASE_URL=… -e SESSION_SECRET=… -e REDIS_URL=… fuse
# compose.yaml runs PostgreSQL, Redis, the migration and the app together.

FROM node:22-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 NODE_ENV=production
COPY package.json package-lock.json ./
# --ignore-scripts: no install step may download anything (the HTTP Observatory dev dependency would).
# NODE_ENV=production would leave out the devDependencies the build needs: --include=dev.
RUN npm ci --include=dev --no-audit --no-fund --ignore-scripts
COPY . .
# CDN_URL is read at build time (assetPrefix): pass --build-arg CDN_URL=https://cdn.example.com
ARG CDN_URL=
ENV CDN_URL=${CDN_URL}
RUN node node_modules/next/dist/bin/next build && node scripts/bundle-budget.mjs && rm -rf .next/cache

FROM node:22-bookworm-slim AS run
WORKDIR /app
# FUSE_SKIP_BUILD: serve the build made above, never rebuild at start.
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0 FUSE_SKIP_BUILD=1 \
    NEXT_MANUAL_SIG_HANDLE=true SHUTDOWN_GRACE_SECONDS=25
RUN groupadd --system --gid 1001 fuse && useradd --system --uid 1001 --gid fuse --no-create-home fuse
COPY package.json package-lock.json ./
# Runtime dependencies only (tsx runs the `fuse` command); the native ones (argon2) ship prebuilt.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
# The `fuse` command (scripts/start.mjs → src/cli, which imports src/fuse), the build, the migrations.
COPY --from=build --chown=fuse:fuse /app/.next ./.next
COPY scripts ./scripts
COPY src ./src
COPY drizzle ./drizzle
COPY tsconfig.json next.config.ts ./
RUN mkdir -p .fuse && chown fuse:fuse .fuse
USER fuse
EXPOSE 3000
# Docker sends SIGTERM on stop: FUSE stops accepting, finishes requests in flight, closes streams and pools.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:3000/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# With DATABASE_URL and NODE_ENV=production: migrates (a no-op when the migrate service already did), loads no
# demo data, and serves. `node scripts/start.mjs migrate` is the one-off migration.
CMD ["node", "scripts/start.mjs", "start"]
