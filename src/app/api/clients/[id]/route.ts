import { archiveClient, updateClient } from '@/domains/clients/mutations';
import { getClient } from '@/domains/clients/queries';
import { clientParams, clientPatch } from '@/domains/clients/validators';
import { withSession } from '@/fuse/http/handler';

export const GET = withSession({ params: clientParams }, ({ session, db, params }) => getClient(db, session, params.id));

export const PATCH = withSession(
  { params: clientParams, body: clientPatch, permission: 'clients.edit' },
  ({ session, db, params, body, mutationId }) => updateClient(db, session, params.id, body, { mutationId }),
);

export const DELETE = withSession({ params: clientParams, permission: 'clients.archive' }, ({ session, db, params, mutationId }) =>
  archiveClient(db, session, params.id, { mutationId }),
);
