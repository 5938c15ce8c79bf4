import { z } from 'zod';
import { idParam, pageParams } from '@/fuse/http/params';
import { textField } from '@/fuse/http/text-field';
import { WIDGET_STATUSES } from './statuses';

const widgetName = textField({ error: 'Enter a name.' }).trim().min(1, 'Enter a name.').max(200, 'Use at most 200 characters.');
const widgetStatus = z.enum(WIDGET_STATUSES, { error: `Status is one of ${WIDGET_STATUSES.join(', ')}.` });

/** `POST /api/widgets`: `{ "name": … }`; a new widget is active. */
export const widgetInput = z.object({ name: widgetName }).strict();

export const widgetPatch = z
  .object({ name: widgetName, status: widgetStatus })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'Nothing to change.' });

export const widgetListParams = z.object({ status: widgetStatus.optional(), ...pageParams });

/** `/api/widgets/{id}`: an id that does not parse is a widget not found. */
export const widgetParams = z.object({ id: idParam('Widget not found.') });

export type WidgetInput = z.input<typeof widgetInput>;
export type WidgetPatch = z.input<typeof widgetPatch>;
export type WidgetListParams = z.input<typeof widgetListParams>;
