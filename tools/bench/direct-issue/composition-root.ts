import { ENV } from '../../../src/contract/names';
import type { AdmissionMessage } from '../../../src/functions/domain/admission/admission';
import type { AdmissionLedger, IssueQueue } from '../../../src/functions/domain/admission/ports';
import { applyAdmission } from '../../../src/functions/domain/coupon/apply-admission';
import { systemClock } from '../../../src/functions/domain/kernel/clock';
import {
  admissionLedgerFactory,
  cachedCampaignRepository,
  couponStore,
} from '../../../src/functions/runtime/composition-root';
import { type Config, requiredString } from '../../../src/functions/runtime/config';

// The composition root of the benchmark-only "direct" issue function (tools/bench/why-a-queue.ts): the product's own
// (src/functions/runtime/composition-root.ts) with one builder replaced. tools/bench/direct-issue/build.ts bundles the product's
// unchanged issue handler (src/functions/handlers/issue-coupon.ts) with its `../runtime/composition-root` import resolved here,
// so its `issueQueue(config)` gets a writer that turns the admission into its coupon in DynamoDB inside the
// request instead of sending it to SQS. Never part of the construct.

export * from '../../../src/functions/runtime/composition-root';

/**
 * An IssueQueue that applies the admission at once, as the consumer would apply its message
 * (src/functions/domain/coupon/apply-admission.ts applyAdmission: ledger claim, then the conditional coupon write counted in the day's
 * persisted total): the issue route writing the coupon synchronously. Its errors are rethrown as they are, so
 * issueCoupon treats them as an unknown outcome and keeps the admission (reconciliation writes the coupon later).
 */
class DirectCouponWriter implements IssueQueue {
  constructor(private readonly apply: (message: AdmissionMessage) => Promise<unknown>) {}

  async send(message: AdmissionMessage): Promise<void> {
    await this.apply(message);
  }
}

let writer: DirectCouponWriter | undefined;

/**
 * Replaces the product's SQS publisher. The coupon table comes from `COUPON_TABLE_NAME`, which the benchmark adds
 * to the issue function's environment (POST /_local/functions/<id>/code), as the consumer's template has it.
 * @throws Error when `COUPON_TABLE_NAME` is not set.
 */
export function issueQueue(config: Config<'issue'>): IssueQueue {
  if (writer) return writer;
  const couponTable = requiredString().safeParse(process.env[ENV.COUPON_TABLE]);
  if (!couponTable.success) throw new Error(`the direct issue variant needs ${ENV.COUPON_TABLE}`);
  const ledger = admissionLedgerFactory(config);
  const deps = {
    campaigns: cachedCampaignRepository(config),
    admissions: { claim: async (...args: ClaimArgs) => (await ledger()).claim(...args) },
    coupons: couponStore({ ...config, [ENV.COUPON_TABLE]: couponTable.data }),
    clock: systemClock,
  };
  writer = new DirectCouponWriter((message) => applyAdmission(deps, message));
  return writer;
}

type ClaimArgs = Parameters<AdmissionLedger['claim']>;
