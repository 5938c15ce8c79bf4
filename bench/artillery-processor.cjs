// Artillery hooks for artillery.yml: each virtual user is a scale-target user. The first arrival of a user
// signs in through POST /api/auth/sign-in; later arrivals of the same user reuse its session cookie
// (a returning visitor). A dashboard answer that is not 200 (a redirect to /sign-in) is an error.
'use strict';

const USERS = Number(process.env.LOADTEST_USERS || 500);
const PASSWORD = process.env.SCALE_PASSWORD || 'scale-load-2026';
// `npm run loadtest -- --knee` signs every user in before its steps and hands the cookies over in this
// file, so the steps measure the seed's flow of returning users (the sign-ins are measured on their own).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Artillery loads its processor as CommonJS.
const { readFileSync } = require('node:fs');
const sessions = new Map(
  process.env.LOADTEST_SESSIONS_FILE ? Object.entries(JSON.parse(readFileSync(process.env.LOADTEST_SESSIONS_FILE, 'utf8'))) : [],
);

function pickUser(context, events, done) {
  const n = Math.floor(Math.random() * USERS);
  const email = `user${n}@scale.fuse.dev`;
  context.vars.email = email;
  context.vars.password = PASSWORD;
  // A stable address per user, for the rate limiter behind a trusted proxy (scale:demo).
  context.vars.ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  const token = sessions.get(email);
  context.vars.token = token || '';
  context.vars.needsSignIn = !token;
  return done();
}

function rememberSession(req, res, context, events, done) {
  const cookies = [].concat(res.headers['set-cookie'] || []);
  for (const c of cookies) {
    const m = /^(?:__Host-)?FUSE_SESSION=([^;]+)/.exec(c);
    if (m) {
      context.vars.token = m[1];
      sessions.set(context.vars.email, m[1]);
      events.emit('counter', 'fuse.sign_ins', 1);
    }
  }
  if (res.statusCode !== 200) events.emit('counter', 'fuse.sign_in_failed', 1);
  return done();
}

function expectServed(req, res, context, events, done) {
  if (res.statusCode !== 200) {
    events.emit('counter', `fuse.not_served.${res.statusCode}`, 1);
    if (res.statusCode >= 300 && res.statusCode < 400) sessions.delete(context.vars.email);
  }
  return done();
}

module.exports = { pickUser, rememberSession, expectServed };
