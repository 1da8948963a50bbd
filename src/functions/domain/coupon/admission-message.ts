import * as z from 'zod/mini';
import { localDateSchema } from '../../../contract/rules';
import '../kernel/zod-messages';
import type { AdmissionMessage, CampaignDay } from '../admission/admission';

// The queue message as the coupon writers read it (consumer, replay, redrive): a body that is not an admission is
// a poison message.

/** Schema of the queue message body; a body that fails it is a poison message. */
export const admissionMessageSchema = z.strictObject({
  campaignId: z.string().check(z.minLength(1)),
  issueDate: localDateSchema('issueDate'),
  userId: z.string().check(z.minLength(1)),
  rank: z.int().check(z.gte(1)),
  admittedAt: z.iso.datetime(),
  couponId: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
});

/** Error for a message that can never be applied (bad body, unknown campaign): it is parked, not retried forever. */
export class PoisonMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}

/** Parses a queue message body. @throws PoisonMessageError when it is not an admission message. */
export function parseAdmissionMessage(body: string): AdmissionMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (cause) {
    throw new PoisonMessageError('message body is not JSON', { cause });
  }
  const parsed = admissionMessageSchema.safeParse(json);
  if (!parsed.success)
    throw new PoisonMessageError(`message body is not an admission: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The campaign day of an admission message body, or undefined when the body is not an admission. */
export function admissionDayOf(body: string): CampaignDay | undefined {
  try {
    const { campaignId, issueDate } = parseAdmissionMessage(body);
    return { campaignId, issueDate };
  } catch (error) {
    if (error instanceof PoisonMessageError) return undefined;
    throw error;
  }
}
