import { problemText, type Schema } from '../shared/api';
import { count, el, localDate, show, table } from '../shared/dom';
import type { ConsoleContext } from './context';
import { stateBadge } from './state-badge';
import { allVendors } from './vendors';

type Campaign = Schema<'Campaign'>;

/**
 * The campaigns list: every page of `GET /v1/admin/campaigns` (which come in no order), sorted by period start, then
 * name, each with its vendor's name (every vendor, read beside them) and id.
 */
export async function campaignsView(target: HTMLElement, context: ConsoleContext): Promise<void> {
  const status = el('p', { class: 'muted', role: 'status' }, 'Loading campaigns…');
  show(
    target,
    el('h2', {}, 'Campaigns'),
    el('div', { class: 'actions' }, el('a', { href: '#/campaigns/new', class: 'button' }, 'New campaign')),
    status,
  );
  // Vendor names for the list, read beside the campaigns; without them (the listing failed) the ids stand alone.
  const vendorNames = allVendors(context).then((answer) =>
    'error' in answer ? new Map<string, string>() : new Map(answer.vendors.map((v) => [v.vendorId, v.name])),
  );
  const campaigns: Campaign[] = [];
  let cursor: string | undefined;
  do {
    const { data, error, response } = await context.admin.GET('/v1/admin/campaigns', {
      params: { query: { limit: '100', ...(cursor ? { cursor } : {}) } },
    });
    if (!data) {
      show(status, problemText(error, response));
      status.className = 'status bad';
      return;
    }
    campaigns.push(...data.items);
    cursor = data.nextCursor;
  } while (cursor);
  if (campaigns.length === 0) {
    show(status, 'No campaigns yet.');
    return;
  }
  campaigns.sort((a, b) => a.startDate.localeCompare(b.startDate) || a.name.localeCompare(b.name));
  const names = await vendorNames;
  status.replaceWith(
    table(
      `${campaigns.length} campaigns`,
      ['Campaign', 'Vendor', 'Period', 'Daily window', 'Daily quota', 'State'],
      campaigns.map((c) => [
        el(
          'a',
          { href: `#/campaigns/${encodeURIComponent(c.campaignId)}` },
          c.name,
          el('br'),
          el('code', {}, c.campaignId),
        ),
        el(
          'a',
          { href: `#/vendors/${encodeURIComponent(c.vendorId)}` },
          ...(names.has(c.vendorId) ? [names.get(c.vendorId) as string, el('br')] : []),
          el('code', {}, c.vendorId),
        ),
        `${c.startDate} → ${c.endDate}`,
        `${c.dailyWindow.open}–${c.dailyWindow.close} ${c.timezone}`,
        count(c.dailyQuota),
        stateCell(c, context),
      ]),
    ),
  );
}

/**
 * A campaign's state cell: first where it stands by its dates alone (closed, starts <date>, ended, or its period
 * running), then, once read, the state its public view (GET /v1/campaigns/{campaignId}) answers: opens soon, open
 * now, closed until the next drop, sold out today, ended, closed (src/functions/domain/campaign/campaign-state.ts).
 * Unreachable: the date-only badge stays.
 */
function stateCell(c: Campaign, context: ConsoleContext): HTMLElement {
  const cell = el('span', {}, periodBadge(c));
  void context.open
    .GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId: c.campaignId } } })
    .then(({ data }) => {
      if (data) show(cell, stateBadge(data.state));
    })
    .catch(() => undefined);
  return cell;
}

/** Where a campaign stands by its dates alone (its local today against its period), before its state is read. */
function periodBadge(c: Campaign): HTMLElement {
  if (c.closedAt) return stateBadge('CLOSED');
  const today = localDate(c.timezone);
  if (today < c.startDate) return el('span', { class: 'badge warn' }, `starts ${c.startDate}`);
  if (today > c.endDate) return stateBadge('ENDED');
  return el('span', { class: 'badge' }, 'in its period');
}
