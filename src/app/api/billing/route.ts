import { loadBilling } from '@/domains/billing/queries';
import { withSession } from '@/fuse/http/handler';

/** The business's plan, status, renewal, limits and usage (every rank reads it). */
export const GET = withSession({ permission: 'billing.read' }, ({ session, db }) => loadBilling(db, session));
