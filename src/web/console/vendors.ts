import { problemText, type Schema } from '../shared/api';
import { count, el, field, localTime, show, table } from '../shared/dom';
import type { ConsoleContext } from './context';

type Vendor = Schema<'Vendor'>;

/** Vendors per request when reading them all: the listing's largest page. */
const VENDOR_PAGE_SIZE = '100';

/**
 * Every vendor: each page of `GET /v1/admin/vendors` in turn, sorted by name, then id (the API orders by id).
 * @returns the vendors, or the problem text of the page that failed.
 */
export async function allVendors(context: ConsoleContext): Promise<{ vendors: Vendor[] } | { error: string }> {
  const vendors: Vendor[] = [];
  let cursor: string | undefined;
  do {
    const { data, error, response } = await context.admin.GET('/v1/admin/vendors', {
      params: { query: { limit: VENDOR_PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
    });
    if (!data) return { error: problemText(error, response) };
    vendors.push(...data.items);
    cursor = data.nextCursor;
  } while (cursor);
  return { vendors: vendors.sort((a, b) => a.name.localeCompare(b.name) || a.vendorId.localeCompare(b.vendorId)) };
}

/**
 * The campaign form's vendor field: a required select named `vendorId` of every vendor ({@link allVendors}),
 * labelled "Vendor", filled once the list arrives; `selected` (the edited campaign's vendor) is chosen from the start
 * and stays chosen. Without vendors, or when the list cannot be read, the hint says so and links to the vendors view.
 */
export function vendorPicker(context: ConsoleContext, selected?: string): HTMLElement {
  const id = 'campaign-vendor';
  // While the list loads, an edited campaign's vendor is already chosen, so the form can be previewed and saved
  // (a required select without a value would make the browser refuse the submit without a word).
  const select = el(
    'select',
    { id, name: 'vendorId', required: true, 'aria-describedby': `${id}-hint` },
    selected
      ? el('option', { value: selected, selected: true }, `${selected} (loading vendors…)`)
      : el('option', { value: '' }, 'Loading vendors…'),
  );
  const hint = el('small', { id: `${id}-hint` }, 'who funds the discount and is credited');
  void allVendors(context).then((answer) => {
    if ('error' in answer) {
      show(hint, `Vendors could not be read: ${answer.error}`);
      return;
    }
    const choices = answer.vendors.map((v) =>
      el('option', { value: v.vendorId, selected: v.vendorId === selected }, `${v.name} (${v.vendorId})`),
    );
    // A vendor the list does not have yet (an index lagging a moment) still shows as chosen.
    if (selected && !answer.vendors.some((v) => v.vendorId === selected)) {
      choices.unshift(el('option', { value: selected, selected: true }, selected));
    }
    show(
      select,
      el('option', { value: '', selected: !selected }, choices.length ? 'Choose a vendor' : 'No vendors yet'),
      ...choices,
    );
    if (choices.length === 0) show(hint, 'Create one first in ', el('a', { href: '#/vendors' }, 'Vendors'), '.');
  });
  return el('div', { class: 'field' }, el('label', { for: id }, 'Vendor'), select, hint);
}

/** Vendors: create one, every vendor, and a vendor's settlement (balance, redemptions) and ledger, a page at a time. */
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
  void allVendors(context).then((answer) => {
    if ('error' in answer) show(known, answer.error);
    else if (answer.vendors.length)
      show(
        known,
        'Vendors: ',
        ...answer.vendors.flatMap((v, i) => [
          i ? ', ' : '',
          el('a', { href: `#/vendors/${encodeURIComponent(v.vendorId)}` }, v.name),
        ]),
      );
  });
  if (vendorId) await settlement(context, vendorId, detail);
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
