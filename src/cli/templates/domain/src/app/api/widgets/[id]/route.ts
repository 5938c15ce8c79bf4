import { archiveWidget, updateWidget } from '@/domains/widgets/mutations';
import { getWidget } from '@/domains/widgets/queries';
import { widgetParams, widgetPatch } from '@/domains/widgets/validators';
import { withSession } from '@/fuse/http/handler';

export const GET = withSession({ params: widgetParams }, ({ session, db, params }) => getWidget(db, session, params.id));

export const PATCH = withSession(
  { params: widgetParams, body: widgetPatch, permission: 'widgets.edit' },
  ({ session, db, params, body, mutationId }) => updateWidget(db, session, params.id, body, { mutationId }),
);

export const DELETE = withSession({ params: widgetParams, permission: 'widgets.archive' }, ({ session, db, params, mutationId }) =>
  archiveWidget(db, session, params.id, { mutationId }),
);
