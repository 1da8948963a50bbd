import { type CampaignState, STATE_LABELS } from '../shared/campaign-state';
import { el } from '../shared/dom';

/** A badge naming `state` (`<span class="badge …" data-state="OPEN">Open now</span>`), in the drop page's words. */
export function stateBadge(state: CampaignState): HTMLElement {
  const { label, tone } = STATE_LABELS[state];
  return el('span', { class: `badge ${tone}`, 'data-state': state }, label);
}
