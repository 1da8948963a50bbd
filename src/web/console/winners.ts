import { problemText } from '../shared/api';
import { count, el } from '../shared/dom';
import type { ConsoleContext } from './context';

/** The winners of a day as CSV: every page of the export (`accept: text/csv`), joined under one header row. */
export function winnersDownload(context: ConsoleContext, campaignId: string, days: string[]): HTMLElement {
  if (days.length === 0) return el('p', { class: 'muted' }, 'No winners yet.');
  const select = el('select', { name: 'issueDate' }, ...days.map((d) => el('option', { value: d }, d)));
  const status = el('span', { role: 'status' });
  const download = async () => {
    const issueDate = select.value;
    const rows: string[] = [];
    let cursor: string | undefined;
    do {
      const { data, error, response } = await context.admin.GET(
        '/v1/admin/campaigns/{campaignId}/days/{issueDate}/winners',
        {
          params: { path: { campaignId, issueDate }, query: { limit: '1000', ...(cursor ? { cursor } : {}) } },
          headers: { accept: 'text/csv' },
          parseAs: 'text',
        },
      );
      if (data === undefined) {
        status.textContent = problemText(error, response);
        return;
      }
      const lines = String(data).split(/\r?\n/).filter(Boolean);
      rows.push(...(rows.length ? lines.slice(1) : lines));
      cursor = response.headers.get('x-next-cursor') ?? undefined;
    } while (cursor);
    const link = el('a', {
      href: URL.createObjectURL(new Blob([`${rows.join('\n')}\n`], { type: 'text/csv' })),
      download: `winners-${campaignId}-${issueDate}.csv`,
    });
    link.click();
    status.textContent = `${count(Math.max(0, rows.length - 1))} winners downloaded.`;
  };
  return el(
    'div',
    { class: 'actions' },
    el('label', {}, el('span', {}, 'Winners of'), select),
    el('button', { type: 'button', onclick: () => void download() }, 'Download winners CSV'),
    status,
  );
}
