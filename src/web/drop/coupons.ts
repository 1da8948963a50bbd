import { problemText, type Schema, type UserApi } from '../shared/api';
import { count, el, localTime, show } from '../shared/dom';

/** The visitor's coupons card: `render()` reads them again and answers how many it shows. */
export interface CouponsCard {
  readonly section: HTMLElement;
  render(): Promise<number>;
}

/**
 * The visitor's coupons (`GET /v1/users/me/coupons`, the first 50), each ISSUED one with its redemption form
 * (`POST /v1/coupons/{couponId}/redeem`; an order amount for a percentage discount).
 */
export function couponsCard(api: UserApi): CouponsCard {
  const section = el('section', { class: 'card' });

  const render = async (): Promise<number> => {
    const { data, error, response } = await api.GET('/v1/users/me/coupons', { params: { query: { limit: '50' } } });
    if (!data) {
      show(section, el('h3', {}, 'Your coupons'), el('p', { class: 'status bad' }, problemText(error, response)));
      return 0;
    }
    show(
      section,
      el('h3', {}, 'Your coupons'),
      data.items.length === 0
        ? el('p', { class: 'muted' }, 'None yet.')
        : el('ul', { class: 'coupons' }, ...data.items.map(couponItem)),
    );
    return data.items.length;
  };

  const couponItem = (c: Schema<'Coupon'>): HTMLElement => {
    const off = c.discount.type === 'PERCENT' ? `${c.discount.value}% off` : `${count(c.discount.value)} off`;
    const item = el(
      'li',
      { 'data-coupon': c.couponId },
      el('strong', {}, off),
      ` · ${c.campaignId} · #${c.rank} of ${c.issueDate} · `,
      el('span', { class: `badge ${c.status === 'ISSUED' ? 'ok' : 'warn'}` }, c.status),
      c.redemption
        ? ` · order ${c.redemption.orderId}, ${count(c.redemption.amount)} credited ${localTime(c.redemption.redeemedAt)}`
        : ` · valid until ${localTime(c.expiresAt)}`,
    );
    if (c.status !== 'ISSUED') return item;
    const result = el('span', { role: 'status' });
    const form = el(
      'form',
      { class: 'actions', 'aria-label': `Redeem coupon ${c.couponId}` },
      el(
        'label',
        {},
        el('span', {}, 'Order id'),
        el('input', { name: 'orderId', required: true, pattern: '[^\\s]{1,128}' }),
      ),
      c.discount.type === 'PERCENT'
        ? el(
            'label',
            {},
            el('span', {}, 'Order amount'),
            el('input', { name: 'orderAmount', type: 'number', min: 1, required: true }),
          )
        : null,
      el('button', { type: 'submit' }, 'Redeem'),
      result,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const amount = String(data.get('orderAmount') ?? '');
      const {
        data: redeemed,
        error,
        response,
      } = await api.POST('/v1/coupons/{couponId}/redeem', {
        params: { path: { couponId: c.couponId } },
        body: { orderId: String(data.get('orderId') ?? '').trim(), ...(amount ? { orderAmount: Number(amount) } : {}) },
      });
      if (!redeemed) {
        result.textContent = problemText(error, response);
        return;
      }
      await render();
    });
    item.append(form);
    return item;
  };

  return { section, render };
}
