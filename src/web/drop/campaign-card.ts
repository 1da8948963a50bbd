import { type CampaignState, STATE_LABELS } from '../shared/campaign-state';
import { count, el, localTime, show, visitorTimeZone } from '../shared/dom';
import {
  calendarText,
  claimable,
  countdownTarget,
  countdownText,
  discountTerms,
  limitText,
  type PublicCampaign,
} from './presentation';

/** The campaign's part of the drop page: what it is, its state, the countdown, today's remaining and the claim button. */
export interface CampaignCard {
  /** The heading, terms and status card, in page order. */
  readonly elements: readonly HTMLElement[];
  /** The claim button; {@link CampaignCard.claimable} says whether the campaign lets it be pressed. */
  readonly claim: HTMLButtonElement;
  /** Where the answer to a claim is shown. */
  readonly answer: HTMLElement;
  /** Where WAF's CAPTCHA puzzle is rendered before the claim (botDefense `captcha`); hidden otherwise. */
  readonly puzzle: HTMLElement;
  /** Shows a newer public view. */
  update(view: PublicCampaign): void;
  /** Whether the campaign takes claims now: OPEN, or a countdown to an opening has reached it. */
  claimable(): boolean;
  /** The instant (ms since the epoch) the card counts down to; NaN when it counts down to nothing. */
  opensAt(): number;
}

/**
 * The campaign card from its first public view. Every second it counts down to the next opening
 * (presentation.ts `countdownTarget`); when the countdown reaches an opening the card says open and calls
 * `onOpening` (the page then enables the claim button and reads the view again), without waiting for the next read.
 */
export function campaignCard(first: PublicCampaign, onOpening: () => void): CampaignCard {
  const title = el('h2', {});
  const terms = el('p', { class: 'terms' });
  const calendar = el('p', { class: 'muted' });
  const badge = el('span', { class: 'badge' });
  const statusLine = el('span', {});
  const countdown = el('p', { class: 'big', role: 'timer', 'aria-live': 'off', hidden: true });
  const remaining = el('p', { class: 'big', 'aria-live': 'polite' });
  const remainingLine = el('p', { class: 'muted' });
  const today = el('div', { class: 'today' }, el('h3', {}, 'Left today'), remaining, remainingLine);
  const claim = el('button', { type: 'button', class: 'claim' }, 'Claim my coupon');
  const puzzle = el('div', { class: 'puzzle', hidden: true });
  const actions = el('div', { class: 'actions' }, claim);
  const answer = el('p', { class: 'status', role: 'status', hidden: true });
  const card = el(
    'section',
    { class: 'card campaign' },
    el('p', { class: 'state' }, badge, ' ', statusLine),
    countdown,
    today,
    puzzle,
    actions,
    answer,
  );

  let view = first;
  /** The state shown: the view's, or OPEN once a countdown to an opening reached it before the next read. */
  let state: CampaignState = first.state;
  /** The opening the countdown last reached, so it is announced once. */
  let reached: number | undefined;

  const statusText = (): string => {
    const at = (iso: string) => `${localTime(iso)} (your time zone, ${visitorTimeZone()})`;
    switch (state) {
      case 'SCHEDULED':
        return view.window ? `Opens ${at(view.window.opensAt)}.` : '';
      case 'BETWEEN_WINDOWS':
        return view.window ? `Today’s drop is over; the next opens ${at(view.window.opensAt)}.` : '';
      case 'OPEN':
        return view.window ? `Closes ${at(view.window.closesAt)}.` : '';
      case 'SOLD_OUT_TODAY':
        return view.nextOpensAt
          ? `Today’s coupons are all gone; the next drop opens ${at(view.nextOpensAt)}.`
          : 'Today’s coupons are all gone, and this was the last drop.';
      case 'ENDED':
        return 'This drop has ended: no more coupons will be given out.';
      case 'CLOSED':
        return 'The organizer has closed this drop: no more coupons will be given out.';
    }
  };

  const render = () => {
    document.title = `${view.name} · Coupon drop`;
    show(title, view.name);
    show(
      terms,
      el('strong', {}, discountTerms(view.discount, view.vendor?.currency)),
      view.vendor ? ` · from ${view.vendor.name}` : null,
    );
    show(calendar, `${calendarText(view)} · ${limitText(view)}`);
    const { label, tone } = STATE_LABELS[state];
    card.dataset.state = state;
    badge.className = `badge ${tone}`;
    show(badge, label);
    show(statusLine, statusText());
    const over = state === 'ENDED' || state === 'CLOSED';
    today.hidden = view.quota === null || over;
    if (view.quota !== null && view.remaining !== null) {
      show(remaining, `${count(view.remaining)} of ${count(view.quota)}`);
      show(remainingLine, `coupons left for ${view.today} (as of ${localTime(view.asOf)})`);
    }
    actions.hidden = over;
    tick();
  };

  const tick = () => {
    if (state === 'OPEN') {
      // The window open now: the view's, or the one whose opening the countdown just reached.
      countdown.hidden = false;
      const closesAt = view.window ? Date.parse(view.window.closesAt) : undefined;
      show(countdown, closesAt ? `Open now · closes in ${countdownText(closesAt - Date.now())}` : 'Open now');
      return;
    }
    const target = countdownTarget(view);
    if (target === undefined) {
      countdown.hidden = true;
      return;
    }
    const left = target - Date.now();
    if (left > 0) {
      countdown.hidden = false;
      show(countdown, `${state === 'SOLD_OUT_TODAY' ? 'Next drop in' : 'Opens in'} ${countdownText(left)}`);
      return;
    }
    countdown.hidden = true;
    if (reached === target) return;
    reached = target;
    // The opening came: open at once where a window was ahead (the next read confirms it), and read again.
    if (state === 'SCHEDULED' || state === 'BETWEEN_WINDOWS') {
      state = 'OPEN';
      render();
    }
    onOpening();
  };
  setInterval(tick, 1000);
  render();

  return {
    elements: [title, terms, calendar, card],
    claim,
    answer,
    puzzle,
    update: (next) => {
      // A read from before the opening (the edge keeps a view 1 s) does not close a window the countdown opened.
      const stale = state === 'OPEN' && view.state !== 'OPEN' && Date.parse(next.asOf) < (countdownTarget(view) ?? 0);
      if (stale) return;
      view = next;
      state = next.state;
      render();
    },
    claimable: () => claimable(state),
    opensAt: () => countdownTarget(view) ?? Number.NaN,
  };
}
