/**
 * The statuses a client can have, in the order the filters list them.
 * Its own module, free of the database schema: the browser's views import it, and importing
 * `schema.ts` would ship the ORM's table builders to every page (`npm run budget` checks).
 */
export const CLIENT_STATUSES = ['active', 'lead', 'inactive', 'archived'] as const;
export type ClientStatus = (typeof CLIENT_STATUSES)[number];
