import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { assertBillingAllows } from '@/domains/billing';
import { defineMutation, defineTargetedMutation, type MutationContext, type MutationOptions } from '@/fuse/domain/define-mutation';
import type { Database } from '@/fuse/db/client';
import { NotFoundError } from '@/fuse/http/errors';
import type { Transaction } from '@/fuse/live/outbox';
import { toWidgetView, type Scope, type WidgetView } from './queries';
import { widgets } from './schema';
import { widgetInput, widgetPatch } from './validators';

export const createWidget = defineMutation({
  name: 'widgets.create',
  permission: 'widgets.create',
  input: widgetInput,
  run: async (tx, { scope, input, publish }): Promise<WidgetView> => {
    // A business past due beyond its grace period writes nothing (402). A widget counts against no
    // plan limit; one that should passes the limit's name here (docs/billing.md).
    await assertBillingAllows(tx, scope.businessId);
    const [row] = await tx
      .insert(widgets)
      .values({ ...input, businessId: scope.businessId })
      .returning();
    const view = toWidgetView(row!);
    await publish({ domain: 'widgets', kind: 'upsert', entityId: view.id, data: view });
    return view;
  },
});

async function saveWidget(
  tx: Transaction,
  { scope, input, publish }: MutationContext<z.output<typeof widgetPatch>>,
  id: number,
): Promise<WidgetView> {
  await assertBillingAllows(tx, scope.businessId);
  const [row] = await tx
    .update(widgets)
    .set({ ...input, updatedAt: sql`now()` })
    .where(and(eq(widgets.businessId, scope.businessId), eq(widgets.id, id)))
    .returning();
  if (!row) throw new NotFoundError('Widget not found.');
  const view = toWidgetView(row);
  await publish({ domain: 'widgets', kind: 'upsert', entityId: view.id, data: view });
  return view;
}

export const updateWidget = defineTargetedMutation({
  name: 'widgets.update',
  permission: 'widgets.edit',
  input: widgetPatch,
  run: (tx, ctx, id: number) => saveWidget(tx, ctx, id),
});

const archive = defineTargetedMutation({
  name: 'widgets.archive',
  permission: 'widgets.archive',
  input: z.undefined(),
  run: (tx, ctx, id: number) => saveWidget(tx, { ...ctx, input: { status: 'archived' } }, id),
});

/** Archiving keeps the row (status `archived`): nothing is deleted. */
export function archiveWidget(db: Database, scope: Scope, id: number, options?: MutationOptions): Promise<WidgetView> {
  return archive(db, scope, id, undefined, options);
}
