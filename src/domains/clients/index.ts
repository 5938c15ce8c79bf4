/**
 * The clients domain's public surface: what other domains may use (finance joins invoices to
 * their client). Everything else in this folder is the domain's own; the lint rules let other
 * domains import `@/domains/clients` only, never a file inside it.
 */
export { clients, type Client } from './schema';
export type { ClientStatus } from './statuses';
