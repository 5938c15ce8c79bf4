import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(full) : e.name === 'route.ts' ? [full] : [];
  });
}

/** The URL path of an app route file: route groups `(x)` do not appear in it. */
function urlPath(file: string): string {
  const rel = path.relative(path.join(ROOT, 'src/app'), path.dirname(file));
  return (
    '/' +
    rel
      .split(path.sep)
      .filter((seg) => !/^\(.*\)$/.test(seg))
      .join('/')
  );
}

describe('the API wrapper leaves the session cookie to the routes that write it', () => {
  it('lists exactly the routes that set or clear the session cookie', () => {
    const writers = routeFiles(path.join(ROOT, 'src/app'))
      .filter((f) => /\b(setSessionCookie|clearSessionCookie)\(/.test(readFileSync(f, 'utf8')))
      .map(urlPath)
      .sort();
    const wrapper = readFileSync(path.join(ROOT, 'src/fuse/http/handler.ts'), 'utf8');
    const listed = /const SESSION_WRITING_ROUTES = \[([\s\S]*?)\]\.map/.exec(wrapper)?.[1] ?? '';
    const routes = [...listed.replace(/\/\/.*$/gm, '').matchAll(/'([^']+)'/g)].map((m) => m[1]!).sort();
    expect(writers.length).toBeGreaterThan(0);
    expect(routes).toEqual(writers);
  });
});
