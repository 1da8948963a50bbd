import { problemText, type Schema } from '../shared/api';
import { count, el, field, localTime, show, table } from '../shared/dom';
import type { ConsoleContext } from './context';

/**
 * Vendors: create one, and a vendor's settlement (balance, redemptions) and ledger, a page at a time. The API has
 * no vendor listing, so the view offers the vendors the campaigns name.
 */
export async function vendorsView(target: HTMLElement, context: ConsoleContext, vendorId?: string): Promise<void> {
  const result = el('div', { 'aria-live': 'polite' });
  const create = el(
    'form',
    { class: 'grid', 'aria-label': 'New vendor' },
    field('Vendor id', { name: 'vendorId', required: true, pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}' }),
    field('Name', { name: 'name', required: true }),
    field(
      'Currency',
      { name: 'currency', required: true, pattern: '[A-Z]{3}', value: 'KRW' },
      'ISO 4217; amounts in minor units',
    ),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Create vendor')),
  );
  create.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(create);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const {
      data: vendor,
      error,
      response,
    } = await context.admin.POST('/v1/admin/vendors', {
      body: { vendorId: text('vendorId'), name: text('name'), currency: text('currency') },
    });
    if (!vendor) {
      show(result, el('p', { class: 'status bad', role: 'alert' }, problemText(error, response)));
      return;
    }
    location.hash = `#/vendors/${encodeURIComponent(vendor.vendorId)}`;
  });
  const lookup = el(
    'form',
    { class: 'actions', 'aria-label': 'Find a vendor' },
    field('Vendor id', { name: 'lookup', required: true, value: vendorId }),
    el('button', { type: 'submit', class: 'secondary' }, 'Show settlement'),
  );
  lookup.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = `#/vendors/${encodeURIComponent(String(new FormData(lookup).get('lookup') ?? '').trim())}`;
  });
  const known = el('p', { class: 'muted' });
  const detail = el('div');
  show(
    target,
    el('h2', {}, 'Vendors'),
    el('section', { class: 'card' }, el('h3', {}, 'New vendor'), create, result),
    el('section', { class: 'card' }, el('h3', {}, 'Settlement'), lookup, known, detail),
  );
  void knownVendors(context).then((ids) => {
    if (ids.length)
      show(
        known,
        'Vendors of your campaigns: ',
        ...ids.flatMap((id, i) => [i ? ', ' : '', el('a', { href: `#/vendors/${encodeURIComponent(id)}` }, id)]),
      );
  });
  if (vendorId) await settlement(context, vendorId, detail);
}

async function knownVendors(context: ConsoleContext): Promise<string[]> {
  const { data } = await context.admin.GET('/v1/admin/campaigns', { params: { query: { limit: '100' } } });
  return [...new Set((data?.items ?? []).map((c) => c.vendorId))].sort();
}

/** The vendor's settlement and its ledger, with "More" while the API returns a cursor. */
async function settlement(context: ConsoleContext, vendorId: string, target: HTMLElement): Promise<void> {
  const entries: Schema<'VendorSettlement'>['entries'] = [];
  let cursor: string | undefined;
  const load = async () => {
    const { data, error, response } = await context.admin.GET('/v1/admin/vendors/{vendorId}', {
      params: { path: { vendorId }, query: { limit: '50', ...(cursor ? { cursor } : {}) } },
    });
    if (!data) {
      show(target, el('p', { class: 'status bad', role: 'alert' }, problemText(error, response)));
      return;
    }
    entries.push(...data.entries);
    cursor = data.nextCursor;
    const money = (n: number) => `${count(n)} ${data.currency}`;
    show(
      target,
      el('h3', {}, data.name, ' ', el('code', {}, data.vendorId)),
      el(
        'div',
        { class: 'metrics' },
        el(
          'div',
          { class: 'metric', role: 'group', 'aria-label': 'Balance' },
          el('div', { class: 'label' }, 'Balance'),
          el('div', { class: 'value' }, money(data.settlement.balance)),
        ),
        el(
          'div',
          { class: 'metric', role: 'group', 'aria-label': 'Redemptions' },
          el('div', { class: 'label' }, 'Redemptions'),
          el('div', { class: 'value' }, count(data.settlement.redemptions)),
        ),
        el(
          'div',
          { class: 'metric', role: 'group', 'aria-label': 'Refunds' },
          el('div', { class: 'label' }, 'Refunds'),
          el('div', { class: 'value' }, count(data.settlement.refunds)),
        ),
      ),
      entries.length === 0
        ? el('p', { class: 'muted' }, 'No redemptions yet.')
        : table(
            'Ledger (oldest first)',
            // A refund is a new entry with a negative amount: the ledger is never edited.
            ['At', 'Order', 'Coupon', 'Campaign', 'Amount', 'Entry'],
            entries.map((e) => [
              localTime(e.redeemedAt),
              e.orderId,
              el('code', {}, e.couponId),
              e.campaignId,
              money(e.amount),
              e.kind === 'REFUND' ? 'Refund' : 'Redemption',
            ]),
          ),
      cursor ? el('button', { type: 'button', class: 'secondary', onclick: () => void load() }, 'More') : null,
      el('p', { class: 'muted' }, `Vendor since ${localTime(data.createdAt)}.`),
    );
  };
  await load();
}
