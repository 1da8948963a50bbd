import type { operations } from '../../contract/openapi/api-types';
import { problemText } from '../shared/api';
import { count, el, localTime, show, table } from '../shared/dom';
import type { ConsoleContext } from './context';

type FailedEvent = operations['listFailedEvents']['responses'][200]['content']['application/json']['items'][number];

/**
 * Shows a campaign's PARKED failed events (every page of `GET /v1/admin/failed-events`, up to 1,000) with a
 * redrive button each and one per issue day (`POST /v1/admin/failed-events/redrive`); `message` reports the last
 * redrive (a day's redrive with what it skipped and why: those stay parked).
 */
export async function refreshParked(
  context: ConsoleContext,
  campaignId: string,
  target: HTMLElement,
  message = '',
): Promise<void> {
  const items: FailedEvent[] = [];
  let cursor: string | undefined;
  do {
    const { data, error, response } = await context.admin.GET('/v1/admin/failed-events', {
      params: { query: { campaignId, status: 'PARKED', limit: '100', ...(cursor ? { cursor } : {}) } },
    });
    if (!data) {
      show(target, el('p', { class: 'status bad' }, problemText(error, response)));
      return;
    }
    items.push(...(data.items as FailedEvent[]));
    cursor = data.nextCursor;
  } while (cursor && items.length < 1000);
  if (items.length === 0) {
    show(
      target,
      el('p', { class: 'muted' }, 'Nothing parked: every admission that failed was written on a retry.'),
      message ? el('p', { role: 'status' }, message) : null,
    );
    return;
  }
  const status = el('p', { role: 'status' }, message);
  const redrive = async (button: HTMLButtonElement, failedEventId: string) => {
    button.disabled = true;
    const { data, error, response } = await context.admin.POST('/v1/admin/failed-events/{failedEventId}/redrive', {
      params: { path: { failedEventId } },
    });
    const done = data ? `Redriven ${failedEventId}: its coupon is written shortly.` : problemText(error, response);
    await refreshParked(context, campaignId, target, done);
  };
  const days = [...new Set(items.map((i) => i.issueDate).filter((d): d is string => d !== undefined))];
  show(
    target,
    table(
      `${count(items.length)} parked`,
      ['Failed event', 'Issue day', 'Reason', 'Attempts', 'Last error', 'Parked at', ''],
      items.map((i) => {
        const button = el(
          'button',
          { type: 'button', class: 'secondary', 'aria-label': `Redrive ${i.failedEventId}` },
          'Redrive',
        );
        button.addEventListener('click', () => void redrive(button, i.failedEventId));
        return [
          el('code', {}, i.failedEventId),
          i.issueDate ?? '',
          i.reason,
          count(i.attempts),
          i.lastError,
          i.parkedAt ? localTime(i.parkedAt) : '',
          button,
        ];
      }),
    ),
    el(
      'div',
      { class: 'actions' },
      ...days.map((issueDate) =>
        el(
          'button',
          {
            type: 'button',
            onclick: async () => {
              const { data, error, response } = await context.admin.POST('/v1/admin/failed-events/redrive', {
                body: { campaignId, issueDate },
              });
              const skipped = data?.skipped.map((s) => ` Skipped (${s.code}): ${s.reason}.`) ?? [];
              const done = data
                ? `Redriven ${data.redriven.length} of ${issueDate}.${skipped.join('')}`
                : problemText(error, response);
              await refreshParked(context, campaignId, target, done);
            },
          },
          `Redrive every parked event of ${issueDate}`,
        ),
      ),
    ),
    status,
  );
}
