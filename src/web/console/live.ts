import uPlot from 'uplot';
import { problemText, type Schema } from '../shared/api';
import { count, el, localDate, localTime, show, table } from '../shared/dom';
import { editCampaignForm } from './campaign-form';
import type { ConsoleContext } from './context';
import { refreshParked } from './parked';
import { stateBadge } from './state-badge';
import { clockTicks, TIME_AXIS_INCREMENTS } from './time-axis';
import { winnersDownload } from './winners';

/** How often the live view reads the count (the chart's resolution), ms: the issue's "every second". */
const COUNT_EVERY_MS = 1_000;
/** How often it reads the per-day stats and the parked events, ms: admin routes are throttled at 20/s. */
const ADMIN_EVERY_MS = 5_000;
/** Points kept on the chart: ten minutes at one a second. */
const CHART_POINTS = 600;

/** Runs `tick` now and every `ms` until the view is left, never two at once. */
function every(context: ConsoleContext, ms: number, tick: () => Promise<void>): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const run = async () => {
    try {
      await tick();
    } catch {
      // Unreachable for a moment (network, 5xx): the next tick tries again; the view keeps its last figures.
    } finally {
      if (!stopped) timer = setTimeout(run, ms);
    }
  };
  context.onLeave(() => {
    stopped = true;
    clearTimeout(timer);
  });
  void run();
}

function metric(label: string): { box: HTMLElement; value: HTMLElement } {
  const value = el('div', { class: 'value' }, '–');
  return {
    box: el(
      'div',
      { class: 'metric', role: 'group', 'aria-label': label },
      el('div', { class: 'label' }, label),
      value,
    ),
    value,
  };
}

/**
 * A campaign's live view: today's admitted, persisted and remaining from the count route every second, charted
 * with uPlot; the per-day stats; the winners CSV; the parked failed events with redrive; edit and close.
 */
export async function liveView(target: HTMLElement, context: ConsoleContext, campaignId: string): Promise<void> {
  const { admin } = context;
  show(target, el('p', { class: 'muted' }, 'Loading…'));
  const {
    data: campaign,
    error,
    response,
  } = await admin.GET('/v1/admin/campaigns/{campaignId}', {
    params: { path: { campaignId } },
  });
  if (!campaign) {
    show(target, el('p', { class: 'status bad', role: 'alert' }, problemText(error, response)));
    return;
  }
  const notice = el('div', { 'aria-live': 'polite' });
  const edit = el('div');
  const actions = el('div', { class: 'actions' });
  const dropLink = el('a', { href: dropPageUrl(campaignId), target: '_blank', rel: 'noopener' }, 'Open the drop page');
  const nextWindow = el('span');
  // The campaign's state, as the count (every second) answers it.
  const stateBox = el('span', {}, '');
  // The API refuses changes once the first issue day has begun in the campaign's zone (CAMPAIGN_STARTED).
  const started = localDate(campaign.timezone) >= campaign.startDate;
  if (!campaign.closedAt && !started) {
    actions.append(
      el(
        'button',
        {
          type: 'button',
          class: 'secondary',
          onclick: () =>
            show(
              edit,
              editCampaignForm(context, campaign, () => location.reload()),
            ),
        },
        'Edit',
      ),
    );
  }
  if (!campaign.closedAt) {
    actions.append(
      el(
        'button',
        { type: 'button', class: 'danger', onclick: () => void close(campaign, notice, context) },
        'Close campaign',
      ),
    );
  }
  actions.append(dropLink, nextWindow);
  if (!campaign.closedAt) {
    void context.open
      .GET('/v1/campaigns/{campaignId}', { params: { path: { campaignId } } })
      .then(({ data }) => {
        const opensAt = data?.window?.opensAt;
        if (!data || !opensAt) return;
        nextWindow.textContent =
          data.state === 'OPEN' || data.state === 'SOLD_OUT_TODAY'
            ? 'Open now.'
            : `Next window opens ${localTime(opensAt)} (your time).`;
      })
      .catch(() => undefined);
  }

  const metrics = {
    quota: metric('Quota'),
    admitted: metric('Admitted'),
    persisted: metric('Persisted'),
    remaining: metric('Remaining'),
  };
  const today = el('span', {}, '');
  const chartBox = el('div', {
    class: 'chart',
    role: 'img',
    'aria-label': "Today's admitted, persisted and remaining, every second",
  });
  const stats = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
  const winners = el('div');
  const parked = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
  show(
    target,
    el(
      'h2',
      {},
      campaign.name,
      ' ',
      campaign.closedAt ? el('span', { class: 'badge bad' }, `closed ${localTime(campaign.closedAt)}`) : stateBox,
    ),
    el(
      'p',
      { class: 'muted' },
      el('code', {}, campaign.campaignId),
      ` · ${campaign.startDate} → ${campaign.endDate} · ${campaign.dailyWindow.open}–${campaign.dailyWindow.close} ${campaign.timezone} · `,
      `${count(campaign.dailyQuota)} a day · `,
      campaign.discount.type === 'PERCENT'
        ? `${campaign.discount.value}% off`
        : `${count(campaign.discount.value)} off`,
      ' · vendor ',
      el('a', { href: `#/vendors/${encodeURIComponent(campaign.vendorId)}` }, campaign.vendorId),
    ),
    actions,
    notice,
    edit,
    el(
      'section',
      { class: 'card' },
      el('h3', {}, 'Today ', today),
      el('div', { class: 'metrics' }, ...Object.values(metrics).map((m) => m.box)),
      chartBox,
    ),
    el('section', { class: 'card' }, el('h3', {}, 'Issue days'), stats, winners),
    el('section', { class: 'card' }, el('h3', {}, 'Parked failed events'), parked),
  );

  const points: [number[], number[], number[], number[]] = [[], [], [], []];
  const chart = new uPlot(
    {
      width: Math.max(320, chartBox.clientWidth || 900),
      height: 260,
      series: [
        {},
        { label: 'Admitted', stroke: '#0b63ce', width: 2 },
        { label: 'Persisted', stroke: '#1a7f37', width: 2, dash: [6, 3] },
        { label: 'Remaining', stroke: '#c62828', width: 2 },
      ],
      axes: [
        {
          incrs: TIME_AXIS_INCREMENTS,
          values: (_u, splits, _axis, _space, incrementS) => clockTicks(splits, incrementS),
        },
        { label: 'coupons' },
      ],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(max, campaign.dailyQuota)] } },
    },
    points,
    chartBox,
  );
  context.onLeave(() => chart.destroy());

  every(context, COUNT_EVERY_MS, async () => {
    const { data } = await context.open.GET('/v1/campaigns/{campaignId}/count', { params: { path: { campaignId } } });
    if (!data) return;
    today.textContent = `(${data.issueDate}, as of ${localTime(data.asOf)})`;
    if (stateBox.dataset.state !== data.state) {
      stateBox.dataset.state = data.state;
      show(stateBox, stateBadge(data.state));
    }
    metrics.quota.value.textContent = count(data.quota);
    metrics.admitted.value.textContent = count(data.admitted);
    metrics.persisted.value.textContent = count(data.persisted);
    metrics.remaining.value.textContent = data.remaining === null ? '–' : count(data.remaining);
    const t = Date.parse(data.asOf) / 1000;
    if (points[0].length && t <= (points[0].at(-1) ?? 0)) return;
    points[0].push(t);
    points[1].push(data.admitted);
    points[2].push(data.persisted);
    points[3].push(data.remaining ?? 0);
    if (points[0].length > CHART_POINTS) for (const series of points) series.shift();
    chart.setData(points);
  });

  let winnerDays = '';
  every(context, ADMIN_EVERY_MS, async () => {
    const {
      data,
      error: e,
      response: r,
    } = await admin.GET('/v1/admin/campaigns/{campaignId}/stats', { params: { path: { campaignId } } });
    if (!data) {
      show(stats, el('p', { class: 'status bad' }, problemText(e, r)));
      return;
    }
    show(stats, statsTable(data));
    const days = data.days.filter((d) => d.admitted > 0).map((d) => d.issueDate);
    if (days.join() !== winnerDays) {
      winnerDays = days.join();
      show(winners, winnersDownload(context, campaignId, days));
    }
  });
  every(context, ADMIN_EVERY_MS, () => refreshParked(context, campaignId, parked));
}

/** The drop page of a campaign (it reads the countdown's opening from the campaign's public view). */
function dropPageUrl(campaignId: string): string {
  const url = new URL('../drop/', location.href);
  url.searchParams.set('campaign', campaignId);
  return url.href;
}

function statsTable(stats: Schema<'CampaignStats'>): HTMLElement {
  return table(
    'Per issue day',
    ['Issue day', 'Quota', 'Admitted', 'Persisted', 'Redeemed', 'Parked'],
    stats.days.map((d) => [
      d.issueDate,
      count(d.quota),
      count(d.admitted),
      count(d.persisted),
      count(d.redeemed),
      count(d.parked),
    ]),
  );
}

async function close(campaign: Schema<'Campaign'>, notice: HTMLElement, context: ConsoleContext): Promise<void> {
  const sure = window.confirm(
    `Close "${campaign.name}" (${campaign.campaignId}) now? Nobody can claim a coupon of it after this; coupons already admitted are still written. This cannot be undone.`,
  );
  if (!sure) return;
  const { data, error, response } = await context.admin.POST('/v1/admin/campaigns/{campaignId}/close', {
    params: { path: { campaignId: campaign.campaignId } },
  });
  if (!data) {
    show(notice, el('p', { class: 'status bad', role: 'alert' }, problemText(error, response)));
    return;
  }
  location.reload();
}
