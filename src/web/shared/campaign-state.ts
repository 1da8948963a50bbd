import type { Schema } from '../../client';

// The campaign states in words, for both pages (no DOM, so unit tests read it too): the drop page names its campaign's state, the console every
// campaign's. The states and their rules are src/functions/domain/campaign/campaign-state.ts's.

/** One of the campaign states (src/functions/domain/campaign/campaign-state.ts), as the public view answers it. */
export type CampaignState = Schema<'PublicCampaign'>['state'];

/** How the pages name each state, and its badge's tone (style.css `.badge.ok|warn|bad`). */
export const STATE_LABELS: Readonly<Record<CampaignState, { readonly label: string; readonly tone: string }>> = {
  SCHEDULED: { label: 'Opens soon', tone: 'warn' },
  OPEN: { label: 'Open now', tone: 'ok' },
  BETWEEN_WINDOWS: { label: 'Closed until the next drop', tone: 'warn' },
  SOLD_OUT_TODAY: { label: 'Sold out today', tone: 'bad' },
  ENDED: { label: 'Ended', tone: 'bad' },
  CLOSED: { label: 'Closed', tone: 'bad' },
};
