import { parseArgs } from 'node:util';
import { resolveTarget, type Target } from './target';

// `npm run smoke -- [apiUrl] [--token <idToken>] [--open]`: checks a deployment end to end, printing each step
// with its HTTP status: creates a vendor and a one-coupon campaign, issues, waits for the coupon, redeems it at the
// checkout (SigV4: the local cloud's checkoutCredentials, or on AWS the operator's role granted grantCheckout), reads
// the vendor's settlement and the day's winners, then closes the campaign. Exit 1 at the first failed step.
// No apiUrl: the running local cloud (npm start). See tools/ops/target.ts for credentials and tokens.

/** One step's outcome. */
interface SmokeStep {
  readonly step: string;
  readonly status: number;
  readonly ok: boolean;
  readonly detail: string;
}

/** How long the smoke test waits for the coupon to be written, ms. */
const COUPON_WAIT_MS = 90_000;

/**
 * Runs the smoke steps against `target`, reporting each to `report` as it ends; resolves with every step, the last
 * one failed when one did (the steps after it are not run).
 */
async function smoke(target: Target, report: (step: SmokeStep) => void): Promise<SmokeStep[]> {
  const steps: SmokeStep[] = [];
  const id = `smoke-${Date.now().toString(36)}`;
  const userId = `${id}-user`;
  const today = new Date();
  const date = (days: number) => new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);

  const send = async (method: string, path: string, body?: unknown, as?: 'user', accept?: string) => {
    const userBody = as && target.userAuth === 'none' ? { userId, ...(body as object) } : body;
    const response = await target.client.fetch(path, {
      method,
      body: userBody === undefined ? undefined : JSON.stringify(userBody),
      ...(as && target.userAuth === 'local' ? { as: userId } : {}),
      ...(as && target.userAuth === 'token' ? { token: target.token } : {}),
      ...(accept ? { headers: { accept } } : {}),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { text };
    }
    return { status: response.status, json };
  };
  const step = (name: string, status: number, ok: boolean, detail: string) => {
    const result = { step: name, status, ok, detail };
    steps.push(result);
    report(result);
    return ok;
  };
  const brief = (json: Record<string, unknown>) => JSON.stringify(json).slice(0, 160);

  const vendor = await send('POST', '/v1/admin/vendors', { vendorId: id, name: `Smoke ${id}`, currency: 'USD' });
  if (!step('create vendor', vendor.status, vendor.status === 201, id)) return steps;

  const campaign = await send('POST', '/v1/admin/campaigns', {
    campaignId: id,
    vendorId: id,
    name: `Smoke ${id}`,
    // Every zone's today lies within yesterday..tomorrow in UTC; UTC's window is the whole day.
    timezone: 'UTC',
    startDate: date(-1),
    endDate: date(1),
    dailyWindow: { open: '00:00', close: '24:00' },
    dailyQuota: 1,
    perUserDailyLimit: 1,
    couponValidityDays: 1,
    discount: { type: 'AMOUNT', value: 1000 },
  });
  if (!step('create one-coupon campaign', campaign.status, campaign.status === 201, brief(campaign.json))) return steps;

  const issued = await send('POST', `/v1/campaigns/${id}/issue`, {}, 'user');
  if (!step('issue', issued.status, issued.status === 202, brief(issued.json))) return steps;
  const couponId = String(issued.json.couponId);
  const issueDate = String(issued.json.issueDate);

  const deadline = Date.now() + COUPON_WAIT_MS;
  let coupon = await send('GET', `/v1/campaigns/${id}/users/me/coupon`, undefined, 'user');
  while (coupon.json.status !== 'ISSUED' && coupon.status < 500 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    coupon = await send('GET', `/v1/campaigns/${id}/users/me/coupon`, undefined, 'user');
  }
  if (!step('coupon written', coupon.status, coupon.json.status === 'ISSUED', brief(coupon.json))) return steps;

  const redeemed = await send('POST', '/v1/checkout/redemptions', {
    userId: String(coupon.json.coupon && (coupon.json.coupon as { userId?: string }).userId),
    couponId,
    orderId: `${id}-order`,
    orderAmount: 5000,
    currency: 'USD',
  });
  if (!step('redeem', redeemed.status, redeemed.status === 201, brief(redeemed.json))) return steps;

  const settlement = await send('GET', `/v1/admin/vendors/${id}`);
  const credited = (settlement.json.settlement as { redemptions?: number } | undefined)?.redemptions === 1;
  if (!step('vendor settlement', settlement.status, settlement.status === 200 && credited, brief(settlement.json))) {
    return steps;
  }

  const winners = await send('GET', `/v1/admin/campaigns/${id}/days/${issueDate}/winners`);
  const items = (winners.json.items as { couponId?: string; couponStatus?: string }[] | undefined) ?? [];
  const whole =
    winners.json.admitted === 1 &&
    winners.json.persisted === 1 &&
    items.length === 1 &&
    items[0]?.couponId === couponId &&
    items[0]?.couponStatus === 'REDEEMED';
  if (!step('winners', winners.status, winners.status === 200 && whole, brief(winners.json))) return steps;

  const closed = await send('POST', `/v1/admin/campaigns/${id}/close`);
  step('close campaign', closed.status, closed.status === 200, id);
  return steps;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { token: { type: 'string' }, open: { type: 'boolean' } },
  });
  const target = resolveTarget(positionals[0], {
    token: values.token ?? process.env.SMOKE_TOKEN,
    openMode: values.open === true,
  });
  console.log(`smoke test of ${target.client.access.apiUrl} (users: ${target.userAuth})`);
  const steps = await smoke(target, (s) =>
    console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.step.padEnd(28)} ${String(s.status).padEnd(4)} ${s.detail}`),
  );
  const passed = steps.every((s) => s.ok);
  console.log(passed ? 'smoke test passed' : 'smoke test FAILED');
  return passed ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
