import { describe, expect, it } from 'vitest';
import { DEMO_NEEDS_FLAG, DEMO_REFUSED_IN_PRODUCTION, demoDecision, listenHost, type DemoRequest } from '@/cli/demo-policy';

const COMMANDS: DemoRequest['command'][] = ['start', 'dev', 'seed'];
const NODE_ENVS = [undefined, 'development', 'test', 'production'];
const SEED_ENVS = [undefined, '0', '1'];

/** Every combination the CLI can be in. */
function* requests(): Generator<DemoRequest> {
  for (const command of COMMANDS)
    for (const demoFlag of [false, true])
      for (const embedded of [false, true])
        for (const nodeEnv of NODE_ENVS) for (const seedDemoEnv of SEED_ENVS) yield { command, demoFlag, embedded, nodeEnv, seedDemoEnv };
}

describe('where the demo accounts may be loaded', () => {
  it('never with NODE_ENV=production; asking for them there (--demo or `seed`) is refused with a message', () => {
    for (const request of requests()) {
      if (request.nodeEnv !== 'production') continue;
      const decision = demoDecision(request);
      expect(decision.seed, JSON.stringify(request)).toBe(false);
      const asked = request.demoFlag || request.command === 'seed';
      expect(decision.seed === false && decision.refusal, JSON.stringify(request)).toBe(asked ? DEMO_REFUSED_IN_PRODUCTION : null);
    }
  });

  it('into DATABASE_URL only with an explicit --demo; `seed` without it is refused, start and dev say why there is none', () => {
    for (const request of requests()) {
      if (request.embedded || request.nodeEnv === 'production') continue;
      const decision = demoDecision(request);
      expect(decision.seed, JSON.stringify(request)).toBe(request.demoFlag);
      if (!request.demoFlag && !decision.seed) {
        if (request.command === 'seed') expect(decision.refusal).toBe(DEMO_NEEDS_FLAG);
        else expect(decision.note).toMatch(/DATABASE_URL/);
      }
    }
  });

  it('the embedded development database gets them by default (FUSE_SEED_DEMO=0 keeps start and dev without)', () => {
    for (const request of requests()) {
      if (!request.embedded || request.nodeEnv === 'production') continue;
      const expected = request.demoFlag || request.command === 'seed' || request.seedDemoEnv !== '0';
      expect(demoDecision(request).seed, JSON.stringify(request)).toBe(expected);
    }
  });

  it('the refusals name what to do instead', () => {
    expect(DEMO_REFUSED_IN_PRODUCTION).toMatch(/NODE_ENV=production/);
    expect(DEMO_REFUSED_IN_PRODUCTION).toMatch(/create-admiral/);
    expect(DEMO_NEEDS_FLAG).toMatch(/--demo/);
  });
});

describe('the address the server listens on', () => {
  it('a demo or embedded server is for this machine: 127.0.0.1 unless HOSTNAME says otherwise', () => {
    expect(listenHost({ hostnameEnv: undefined, embedded: true, demo: true })).toBe('127.0.0.1');
    expect(listenHost({ hostnameEnv: undefined, embedded: true, demo: false })).toBe('127.0.0.1');
    expect(listenHost({ hostnameEnv: undefined, embedded: false, demo: true })).toBe('127.0.0.1');
    expect(listenHost({ hostnameEnv: '', embedded: true, demo: true })).toBe('127.0.0.1');
    expect(listenHost({ hostnameEnv: '0.0.0.0', embedded: true, demo: true })).toBe('0.0.0.0');
  });

  it('a deployment on DATABASE_URL without the demo keeps Next’s default (every interface) or HOSTNAME', () => {
    expect(listenHost({ hostnameEnv: undefined, embedded: false, demo: false })).toBeUndefined();
    expect(listenHost({ hostnameEnv: '10.0.0.5', embedded: false, demo: false })).toBe('10.0.0.5');
  });
});
