import { problemText, type Schema, type UserApi } from '../shared/api';
import { count, el, localTime, show } from '../shared/dom';

/** The visitor's coupons card: `render()` reads them again and answers how many it shows. */
export interface CouponsCard {
  readonly section: HTMLElement;
  render(): Promise<number>;
}

/**
 * The visitor's coupons (`GET /v1/users/me/coupons`, the first 50), each ISSUED one with its id to pick at the
 * shop's checkout: the holder does not redeem, the checkout does, with the order it charges (README.md, "Checkout").
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
        ? ` · order ${c.redemption.orderId}, ${count(c.redemption.amount)} off ${localTime(c.redemption.redeemedAt)}`
        : ` · valid until ${localTime(c.expiresAt)}`,
    );
    if (c.status !== 'ISSUED') return item;
    item.append(el('p', { class: 'muted' }, 'At the checkout, pick this coupon: ', el('code', {}, c.couponId)));
    return item;
  };

  return { section, render };
}
