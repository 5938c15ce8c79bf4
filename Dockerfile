# FUSE production image: multi-stage, Next's standalone server, non-root.
#   docker build -t fuse .
#   docker run -p 3000:3000 -e DATABASE_URL=… -e SESSION_SECRET=… -e REDIS_URL=… fuse
# The database is migrated by a one-off `docker run … fuse node migrate.mjs` (or `npm run db:migrate` from a checkout).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install step may download anything (the HTTP Observatory dev dependency would).
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# CDN_URL is read at build time (assetPrefix): pass --build-arg CDN_URL=https://cdn.example.com
ARG CDN_URL=
ENV CDN_URL=${CDN_URL}
RUN node node_modules/next/dist/bin/next build && node scripts/bundle-budget.mjs

FROM node:20-bookworm-slim AS run
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOSTNAME=0.0.0.0 \
    NEXT_MANUAL_SIG_HANDLE=true SHUTDOWN_GRACE_SECONDS=25
RUN groupadd --system --gid 1001 fuse && useradd --system --uid 1001 --gid fuse --no-create-home fuse
# The standalone server carries only the files it traces; static assets and migrations are copied beside it.
COPY --from=build --chown=fuse:fuse /app/.next/standalone ./
COPY --from=build --chown=fuse:fuse /app/.next/static ./.next/static
COPY --from=build --chown=fuse:fuse /app/drizzle ./drizzle
USER fuse
EXPOSE 3000
# Docker sends SIGTERM on stop: FUSE stops accepting, finishes requests in flight, closes streams and pools.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "server.js"]
