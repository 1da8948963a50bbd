import type { operations } from '../../contract/openapi/api-types';
import { problemText, type Schema } from '../shared/api';
import { count, el, field, localTime, show, table, visitorTimeZone } from '../shared/dom';
import type { ConsoleContext } from './context';
import { vendorPicker } from './vendors';

// The campaign form, new and edit: its fields, its dry run (calendar and warnings), then create or update.

type Campaign = Schema<'Campaign'>;
type CampaignDefinition = operations['createCampaign']['requestBody']['content']['application/json'];
type DryRun = operations['createCampaign']['responses'][200]['content']['application/json'];

/** The new-campaign view: the form, its dry run (calendar and warnings), then create. */
export function newCampaignView(target: HTMLElement, context: ConsoleContext): void {
  show(target, el('h2', {}, 'New campaign'));
  target.append(
    campaignForm(context, undefined, async (definition, dryRun) => {
      const { data, error, response } = await context.admin.POST('/v1/admin/campaigns', {
        params: { query: { dryRun: dryRun ? 'true' : 'false' } },
        body: definition,
      });
      if (!data) return { error: problemText(error, response) };
      if ('dryRun' in data) return { dryRun: data };
      location.hash = `#/campaigns/${encodeURIComponent(data.campaignId)}`;
      return {};
    }),
  );
}

/** The edit form of a campaign that has not started: PATCH with its dry run first. */
export function editCampaignForm(context: ConsoleContext, campaign: Campaign, onSaved: () => void): HTMLElement {
  return campaignForm(context, campaign, async (definition, dryRun) => {
    const { campaignId: _, perUserDailyLimit: __, ...changes } = definition;
    // Pre-warm fields emptied: null removes the stored pre-warming (left out, PATCH would keep it).
    const prewarm = changes.prewarm ?? (campaign.prewarm ? null : undefined);
    const { data, error, response } = await context.admin.PATCH('/v1/admin/campaigns/{campaignId}', {
      params: { path: { campaignId: campaign.campaignId }, query: { dryRun: dryRun ? 'true' : 'false' } },
      // The form's per-user limit replaces the stored one: "one per issue day" removes the campaign limit.
      body: {
        ...changes,
        perUserCampaignLimit: changes.perUserCampaignLimit ?? null,
        ...(prewarm === undefined ? {} : { prewarm }),
      },
    });
    if (!data) return { error: problemText(error, response) };
    if ('dryRun' in data) return { dryRun: data as DryRun };
    onSaved();
    return {};
  });
}

type Submit = (definition: CampaignDefinition, dryRun: boolean) => Promise<{ error?: string; dryRun?: DryRun }>;

function today(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The campaign form. "Preview" runs the dry run and shows its calendar and warnings; "Save" is enabled only after
 * a preview of the form as it stands (any edit disables it again), so nothing is stored unseen.
 */
function campaignForm(context: ConsoleContext, campaign: Campaign | undefined, submit: Submit): HTMLElement {
  const c = campaign;
  const discount = c?.discount;
  const form = el(
    'form',
    { class: 'grid', 'aria-label': c ? 'Edit campaign' : 'New campaign' },
    c ? null : field('Campaign id', { name: 'campaignId', pattern: '[A-Za-z0-9][A-Za-z0-9_\\-]{0,63}' }, 'optional'),
    field('Name', { name: 'name', required: true, value: c?.name }),
    vendorPicker(context, c?.vendorId),
    field(
      'Time zone',
      { name: 'timezone', required: true, value: c?.timezone ?? visitorTimeZone() },
      'IANA, e.g. Asia/Seoul',
    ),
    field('Start date', { name: 'startDate', type: 'date', required: true, value: c?.startDate ?? today(1) }),
    field('End date', { name: 'endDate', type: 'date', required: true, value: c?.endDate ?? today(7) }),
    field(
      'Window opens',
      { name: 'open', required: true, pattern: '\\d\\d:\\d\\d', value: c?.dailyWindow.open ?? '13:00' },
      'HH:MM',
    ),
    field(
      'Window closes',
      { name: 'close', required: true, pattern: '\\d\\d:\\d\\d', value: c?.dailyWindow.close ?? '15:00' },
      'HH:MM, 24:00 = midnight',
    ),
    field('Daily quota', { name: 'dailyQuota', type: 'number', min: 1, required: true, value: c?.dailyQuota ?? 100 }),
    el(
      'label',
      {},
      el('span', {}, 'Per-user limit'),
      el(
        'select',
        { name: 'perUserLimit' },
        el('option', { value: 'day', selected: c?.perUserCampaignLimit === undefined }, 'One coupon per issue day'),
        el(
          'option',
          { value: 'campaign', selected: c?.perUserCampaignLimit === 1 },
          'One coupon for the whole campaign',
        ),
      ),
    ),
    field('Coupon validity (days)', {
      name: 'couponValidityDays',
      type: 'number',
      min: 0,
      required: true,
      value: c?.couponValidityDays ?? 30,
    }),
    el(
      'label',
      {},
      el('span', {}, 'Discount type'),
      el(
        'select',
        { name: 'discountType' },
        el('option', { value: 'PERCENT', selected: discount?.type !== 'AMOUNT' }, 'Percent'),
        el('option', { value: 'AMOUNT', selected: discount?.type === 'AMOUNT' }, 'Amount (minor units)'),
      ),
    ),
    field('Discount value', {
      name: 'discountValue',
      type: 'number',
      min: 1,
      required: true,
      value: discount?.value ?? 10,
    }),
    field(
      'Max discount',
      {
        name: 'maxAmount',
        type: 'number',
        min: 1,
        value: discount && 'maxAmount' in discount ? discount.maxAmount : undefined,
      },
      'percent only, optional',
    ),
    field('Counter shards', { name: 'counterShards', type: 'number', min: 1, max: 100, value: c?.counterShards ?? 1 }),
    field(
      'Expected peak (requests/s)',
      { name: 'expectedPeakRps', type: 'number', min: 1, value: c?.expectedPeakRps },
      'optional: checked against the deployed limits',
    ),
    ...prewarmFields(c?.prewarm),
  );
  const preview = el('button', { type: 'submit', class: 'secondary' }, 'Preview (dry run)');
  const save = el('button', { type: 'button', disabled: true }, c ? 'Save changes' : 'Create campaign');
  const result = el('div', { 'aria-live': 'polite' });
  form.append(el('div', { class: 'actions' }, preview, save));

  const definition = (): CampaignDefinition => {
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const num = (name: string) => (text(name) === '' ? undefined : Number(text(name)));
    const type = text('discountType');
    const maxAmount = num('maxAmount');
    const expectedPeakRps = num('expectedPeakRps');
    const prewarm = prewarmOf(num);
    return {
      ...(text('campaignId') ? { campaignId: text('campaignId') } : {}),
      name: text('name'),
      vendorId: text('vendorId'),
      timezone: text('timezone'),
      startDate: text('startDate'),
      endDate: text('endDate'),
      dailyWindow: { open: text('open'), close: text('close') },
      dailyQuota: num('dailyQuota') ?? 0,
      perUserDailyLimit: 1,
      ...(text('perUserLimit') === 'campaign' ? { perUserCampaignLimit: 1 as const } : {}),
      couponValidityDays: num('couponValidityDays') ?? 0,
      counterShards: num('counterShards') ?? 1,
      discount:
        type === 'AMOUNT'
          ? { type: 'AMOUNT', value: num('discountValue') ?? 0 }
          : { type: 'PERCENT', value: num('discountValue') ?? 0, ...(maxAmount ? { maxAmount } : {}) },
      ...(expectedPeakRps ? { expectedPeakRps } : {}),
      ...(prewarm ? { prewarm } : {}),
    };
  };
  form.addEventListener('input', () => {
    save.disabled = true;
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    preview.disabled = true;
    const answer = await submit(definition(), true);
    preview.disabled = false;
    if (answer.error) {
      show(result, el('p', { class: 'status bad', role: 'alert' }, answer.error));
      return;
    }
    if (answer.dryRun) {
      show(result, dryRunReport(answer.dryRun));
      save.disabled = false;
    }
  });
  save.addEventListener('click', async () => {
    save.disabled = true;
    const answer = await submit(definition(), false);
    if (answer.error) show(result, el('p', { class: 'status bad', role: 'alert' }, answer.error));
  });
  return el('section', { class: 'card' }, form, result);
}

/**
 * The pre-warm fields (README.md, "Preparing a drop"): how many minutes before each window opens the issue function's
 * provisioned concurrency is raised (`prewarm.leadMinutes`), and how many execution environments
 * (`prewarm.concurrency`, which defaults from the expected peak). Both empty: no pre-warming.
 */
function prewarmFields(prewarm: Campaign['prewarm']): HTMLElement[] {
  return [
    field(
      'Pre-warm lead (minutes)',
      { name: 'prewarmLeadMinutes', type: 'number', min: 1, value: prewarm?.leadMinutes },
      'optional: provisioned concurrency from this long before each window opens until it closes',
    ),
    field(
      'Pre-warm concurrency',
      { name: 'prewarmConcurrency', type: 'number', min: 1, value: prewarm?.concurrency },
      'execution environments; empty: from the expected peak',
    ),
  ];
}

/**
 * The definition's `prewarm` from the pre-warm fields, read with `num`; undefined when both are empty. A
 * concurrency without a lead is sent as it is, so the API's answer names the missing field.
 */
function prewarmOf(num: (name: string) => number | undefined): CampaignDefinition['prewarm'] {
  const leadMinutes = num('prewarmLeadMinutes');
  const concurrency = num('prewarmConcurrency');
  if (leadMinutes === undefined && concurrency === undefined) return undefined;
  return { leadMinutes: leadMinutes as number, ...(concurrency === undefined ? {} : { concurrency }) };
}

/** The dry run's calendar (each issue day's opening and closing in the visitor's time zone) and its warnings. */
function dryRunReport(dryRun: DryRun): HTMLElement {
  const warnings = dryRun.warnings;
  return el(
    'div',
    {},
    el('h3', {}, 'Dry run'),
    warnings.length === 0
      ? el('p', { class: 'status ok' }, 'No warnings: the deployed limits cover this campaign.')
      : el(
          'div',
          { class: 'status warn', role: 'alert' },
          el('strong', {}, `${warnings.length} warning${warnings.length > 1 ? 's' : ''}`),
          el('ul', {}, ...warnings.map((w) => el('li', {}, el('code', {}, w.code), ` ${w.message}`))),
        ),
    el(
      'p',
      { class: 'muted' },
      `${count(dryRun.days.length)} issue days, ${count(dryRun.totalQuota)} coupons in all, valid until ${localTime(dryRun.validUntil)}. `,
      `Admission: ${dryRun.deployed.admissionMode}; stage throttle ${count(dryRun.deployed.stageThrottleRateLimit)}/s.`,
    ),
    dryRun.prewarm
      ? el(
          'p',
          { class: 'muted' },
          `Pre-warm: ${count(dryRun.prewarm.concurrency)} execution environments (from ${dryRun.prewarm.concurrencyFrom}), `,
          `raised ${count(dryRun.prewarm.leadMinutes)} minutes before each window opens, on ${count(dryRun.prewarm.days.length)} days.`,
        )
      : el('p', { class: 'muted' }, 'No pre-warm: no provisioned concurrency is raised before the openings.'),
    table(
      `Calendar (times in your time zone, ${visitorTimeZone()})`,
      ['Issue day', 'Opens', 'Closes', 'Open minutes', 'Quota', 'Note'],
      dryRun.days.map((d) => [
        d.issueDate,
        d.opensAt ? localTime(d.opensAt) : '—',
        d.closesAt ? localTime(d.closesAt) : '—',
        count(d.openMinutes),
        count(d.quota),
        d.dst ? `${d.dst.effect}: ${d.dst.message}` : '',
      ]),
    ),
  );
}
