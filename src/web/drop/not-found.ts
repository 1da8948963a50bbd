import { el, show } from '../shared/dom';

/**
 * The page for a campaign id the API does not know (404 CAMPAIGN_NOT_FOUND): says so in words, without the sign-in
 * form or the claim button, and offers to open another drop.
 */
export function showNotFound(root: HTMLElement, campaignId: string): void {
  document.title = 'Drop not found · Coupon drop';
  show(
    root,
    el(
      'section',
      { class: 'card not-found', 'data-page': 'not-found' },
      el('h2', {}, 'There is no such drop'),
      el(
        'p',
        {},
        'No campaign is called ',
        el('code', {}, campaignId),
        '. The link may be mistyped, or the drop may have been removed.',
      ),
      chooseCampaignForm('Open another drop'),
    ),
  );
}

/** The form that opens a drop by its campaign id (`?campaign=<id>`). */
export function chooseCampaignForm(label: string): HTMLFormElement {
  return el(
    'form',
    { class: 'actions', method: 'get', 'aria-label': 'Choose a campaign' },
    el('label', {}, el('span', {}, 'Campaign id'), el('input', { name: 'campaign', required: true })),
    el('button', { type: 'submit' }, label),
  );
}
