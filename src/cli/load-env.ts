/**
 * The first import of src/cli/fuse.ts: the `.env*` files are in process.env before any other module
 * is evaluated (and reads it).
 */
import { loadEnvFiles } from './env';

const loaded = loadEnvFiles(process.cwd(), process.argv[2]);
if (loaded.length && !process.argv.slice(2).some((a) => a === '--help' || a === '-h' || a === 'help')) {
  process.stdout.write(`fuse: environment from ${loaded.join(', ')}\n`);
}
