import '../shared/style.css';
import type { WebConfig } from '../config';
import { loadWebConfig, problemText, type Schema, type UserApi, userClient } from '../shared/api';
import { count, el, localTime, show, visitorTimeZone } from '../shared/dom';
import { signInForm, signOut, storedVisitor } from './auth';

// The drop page, an example for integrators: one campaign (`?campaign=<id>`, and `&opens=<ISO instant>` for the
// countdown), its remaining count, the claim button and its answer, the visitor's coupons and their redemption.

/** How often the remaining count is read, ms (the count route is cached at the edge when the stack has one). */
const COUNT_EVERY_MS = 2_000;

const params = new URLSearchParams(location.search);
const campaignId = params.get('campaign') ?? '';
const opensAt = params.get('opens') ? Date.parse(params.get('opens') ?? '') : Number.NaN;

const root = el('main', { class: 'drop' });
const whoBox = el('span', { class: 'who' });
document.body.append(el('header', { class: 'top' }, el('h1', {}, 'Coupon drop'), whoBox), root);

/** Picks a campaign when the URL names none. */
function chooseCampaign(): void {
  const form = el(
    'form',
    { class: 'actions', method: 'get', 'aria-label': 'Choose a campaign' },
    el('label', {}, el('span', {}, 'Campaign id'), el('input', { name: 'campaign', required: true })),
    el('button', { type: 'submit' }, 'Open'),
  );
  show(root, el('section', { class: 'card' }, el('h2', {}, 'Which drop?'), form));
}

function claimAnswer(status: number, body: unknown, ok?: Schema<'IssueAccepted'>): { text: string; tone: string } {
  if (ok)
    return {
      text: `You got coupon #${ok.rank}! It is being written and appears under “Your coupons” in a moment.`,
      tone: 'ok',
    };
  const error = (body ?? {}) as { code?: string; message?: string; rank?: number; opensAt?: string };
  switch (error.code) {
    case 'ALREADY_ISSUED':
      return { text: `You already have today’s coupon (#${error.rank}).`, tone: 'ok' };
    case 'SOLD_OUT':
      return { text: 'Sold out: today’s coupons are all gone. Come back for the next drop.', tone: 'bad' };
    case 'NOT_OPEN':
      return {
        text: error.opensAt
          ? `Not open yet: it opens ${new Date(error.opensAt).toLocaleString()}.`
          : `Not open: ${error.message ?? 'the drop is not open now'}.`,
        tone: 'warn',
      };
    case 'ENDED':
      return { text: 'This drop has ended.', tone: 'bad' };
    case 'CAMPAIGN_NOT_FOUND':
      return { text: 'There is no such drop.', tone: 'bad' };
    case 'UNAUTHORIZED':
      return { text: 'Your sign-in has expired: sign out and in again.', tone: 'warn' };
  }
  if (status === 401) return { text: 'Your sign-in has expired: sign out and in again.', tone: 'warn' };
  return { text: 'Busy right now: try again in a moment.', tone: 'warn' };
}

async function start(): Promise<void> {
  if (!campaignId) return chooseCampaign();
  let config: WebConfig;
  try {
    config = await loadWebConfig();
  } catch (error) {
    show(root, el('p', { class: 'status bad', role: 'alert' }, `Cannot read the page's configuration: ${error}`));
    return;
  }
  const visitor = () => storedVisitor();
  const api: UserApi = userClient(config, config.apiUrl, () => visitor()?.credential);
  const counts: UserApi = userClient(config, config.countUrl, () => undefined);

  const countdown = el('p', { class: 'big', role: 'timer', 'aria-live': 'off' });
  const opensLine = el('p', { class: 'muted' });
  const remaining = el('p', { class: 'big', 'aria-live': 'polite' }, '–');
  const remainingLine = el('p', { class: 'muted' });
  const answer = el('p', { class: 'status', role: 'status', hidden: true });
  const claim = el('button', { type: 'button', class: 'claim' }, 'Claim my coupon');
  const account = el('section', { class: 'card' });
  const coupons = el('section', { class: 'card' });

  show(
    root,
    el('h2', {}, 'Drop ', el('code', {}, campaignId)),
    el(
      'section',
      { class: 'card' },
      Number.isNaN(opensAt) ? null : el('div', {}, countdown, opensLine),
      el('h3', {}, 'Left today'),
      remaining,
      remainingLine,
      el('div', { class: 'actions' }, claim),
      answer,
    ),
    account,
    coupons,
  );

  const tick = () => {
    if (Number.isNaN(opensAt)) return;
    const left = opensAt - Date.now();
    if (left <= 0) {
      countdown.textContent = 'Open now';
    } else {
      const s = Math.ceil(left / 1000);
      const pad = (n: number) => String(n).padStart(2, '0');
      const days = Math.floor(s / 86_400);
      countdown.textContent = `Opens in ${days ? `${days} d ` : ''}${pad(Math.floor((s % 86_400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
    }
    opensLine.textContent = `${left <= 0 ? 'Opened' : 'Opening'} at ${localTime(opensAt)} (your time zone, ${visitorTimeZone()}).`;
  };
  tick();
  setInterval(tick, 1000);

  const readCount = async () => {
    try {
      const { data, error, response } = await counts.GET('/v1/campaigns/{campaignId}/count', {
        params: { path: { campaignId } },
      });
      if (data) {
        remaining.textContent = `${count(data.remaining)} of ${count(data.quota)}`;
        remainingLine.textContent = `coupons left for ${data.issueDate} (as of ${localTime(data.asOf)})`;
      } else {
        remainingLine.textContent = problemText(error, response);
      }
    } catch {
      remainingLine.textContent = 'The count is unreachable right now.';
    }
  };
  void readCount();
  setInterval(() => void readCount(), COUNT_EVERY_MS);

  const renderAccount = () => {
    const v = visitor();
    whoBox.textContent = v ? `Signed in as ${v.name}` : 'Not signed in';
    claim.disabled = !v;
    if (!v) {
      show(account, el('h3', {}, 'Sign in to claim'), signInForm(config, renderAccount));
      show(coupons);
      coupons.hidden = true;
      return;
    }
    show(
      account,
      el('p', {}, 'Signed in as ', el('strong', {}, v.name), ' '),
      el(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () => {
            signOut();
            answer.hidden = true;
            renderAccount();
          },
        },
        'Sign out',
      ),
    );
    coupons.hidden = false;
    void renderCoupons();
  };

  let couponsShown = 0;
  const renderCoupons = async (): Promise<number> => {
    const { data, error, response } = await api.GET('/v1/users/me/coupons', { params: { query: { limit: '50' } } });
    if (!data) {
      show(coupons, el('h3', {}, 'Your coupons'), el('p', { class: 'status bad' }, problemText(error, response)));
      return 0;
    }
    couponsShown = data.items.length;
    show(
      coupons,
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
    // The holder does not redeem: the shop's checkout does, with the order it charges (README.md, "Checkout").
    item.append(el('p', { class: 'muted' }, 'At the checkout, pick this coupon: ', el('code', {}, c.couponId)));
    return item;
  };

  claim.addEventListener('click', async () => {
    claim.disabled = true;
    let shown: { text: string; tone: string };
    let accepted = false;
    try {
      const { data, error, response } = await api.POST('/v1/campaigns/{campaignId}/issue', {
        params: { path: { campaignId } },
        body: {},
      });
      shown = claimAnswer(response.status, error, data);
      accepted = data !== undefined;
    } catch {
      shown = claimAnswer(0, undefined);
    }
    show(answer, shown.text);
    answer.className = `status ${shown.tone}`;
    answer.hidden = false;
    claim.disabled = false;
    void readCount();
    // The coupon is written moments after its admission: look again until it is listed (at most ~20 s).
    const before = couponsShown;
    for (let i = 0; i < 20 && accepted && (await renderCoupons()) <= before; i++) {
      await new Promise((r) => setTimeout(r, 1000));
    }
  });

  renderAccount();
}

void start();
