import { buildForTests } from './app-server';

/** The fault suite runs against the production test build (built when sources changed). */
export default function setup() {
  buildForTests();
}
