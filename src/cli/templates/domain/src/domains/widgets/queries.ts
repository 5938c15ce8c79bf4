import 'server-only';
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { assertCan } from '@/fuse/auth/permissions';
import type { Database } from '@/fuse/db/client';
import { decodeCursor, encodeCursor } from '@/fuse/db/cursor';
import { timed } from '@/fuse/db/timed';
import type { MutationScope } from '@/fuse/domain/define-mutation';
import { NotFoundError, ValidationError } from '@/fuse/http/errors';
import { cursorKey } from '@/fuse/session/secrets';
import { widgets, type WidgetRecord } from './schema';
import type { WidgetStatus } from './statuses';
import { widgetListParams, type WidgetListParams } from './validators';

export type Scope = MutationScope;

export type WidgetView = { id: number; name: string; status: WidgetStatus; createdAt: string; updatedAt: string };

export type WidgetPage = { items: WidgetView[]; nextCursor: string | null };

export function toWidgetView(row: WidgetRecord): WidgetView {
  return { id: row.id, name: row.name, status: row.status, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** One page of the business's widgets, newest first, by keyset (an opaque cursor bound to the business and filter). */
export async function listWidgets(db: Database, scope: Scope, raw: WidgetListParams = {}): Promise<WidgetPage> {
  assertCan(scope, 'widgets.read');
  const parsed = widgetListParams.safeParse(raw);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const { status, cursor, limit } = parsed.data;
  const cursorContext = { businessId: scope.businessId, filter: status ?? '' };
  const afterId = cursor ? decodeCursor(cursor, cursorContext, cursorKey()) : null;
  const where: (SQL | undefined)[] = [eq(widgets.businessId, scope.businessId)];
  if (status) where.push(eq(widgets.status, status));
  if (afterId !== null) where.push(lt(widgets.id, afterId));
  const rows = await timed('widgets.listPage', () =>
    db
      .select()
      .from(widgets)
      .where(and(...where))
      .orderBy(desc(widgets.id))
      .limit(limit + 1),
  );
  const items = rows.slice(0, limit).map(toWidgetView);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(last.id, cursorContext, cursorKey()) : null;
  return { items, nextCursor };
}

/** A widget of this business; another business's widget is "not found", exactly like a missing one. */
export async function getWidget(db: Database, scope: Scope, id: number): Promise<WidgetView> {
  assertCan(scope, 'widgets.read');
  const [row] = await timed('widgets.get', () =>
    db
      .select()
      .from(widgets)
      .where(and(eq(widgets.businessId, scope.businessId), eq(widgets.id, id)))
      .limit(1),
  );
  if (!row) throw new NotFoundError('Widget not found.');
  return toWidgetView(row);
}
