import { freshDatabase, seedForBackup } from '../tests/db/backup-helpers';
const t0 = Date.now();
const log = (m: string) => console.log(((Date.now() - t0) / 1000).toFixed(1), m);
const a = await freshDatabase('pglite'); log('a');
const b = await freshDatabase('pglite'); log('b');
await seedForBackup(a); log('seeded');
await a.stop(); await b.stop(); log('stopped');
