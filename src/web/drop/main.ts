import '../shared/style.css';
import type { WebConfig } from '../config';
import { loadWebConfig, problemText, type UserApi, userClient } from '../shared/api';
import { el, show } from '../shared/dom';
import { signInForm, signOut, storedVisitor } from './auth';
import { type CampaignCard, campaignCard } from './campaign-card';
import { requestClaim } from './claim';
import { couponsCard } from './coupons';
import { chooseCampaignForm, showNotFound } from './not-found';
import type { PublicCampaign } from './presentation';
import { dropProofOfWork } from './proof-of-work';
import { startWafToken } from './waf-token';

// The drop page, an example for integrators: one campaign (`?campaign=<id>`) as its public view tells it
// (GET /v1/campaigns/{campaignId}: name, terms, state, the countdown to the next opening, today's remaining), the
// claim button (enabled only while the campaign is OPEN and the visitor signed in) and its answer, the visitor's
// coupons and their redemption. Each part is its own module: campaign-card.ts, claim.ts, coupons.ts, not-found.ts,
// auth.ts; presentation.ts holds the words, without the DOM.

/** How often the public view is read, ms (it is cached at the edge for 1 s when the stack has one). */
const VIEW_EVERY_MS = 2_000;

const params = new URLSearchParams(location.search);
const campaignId = params.get('campaign') ?? '';

const root = el('main', { class: 'drop' });
const whoBox = el('span', { class: 'who' });
document.body.append(el('header', { class: 'top' }, el('h1', {}, 'Coupon drop'), whoBox), root);

/** One read of the public view: the view, `missing` for an unknown campaign, or what went wrong in words. */
async function readView(api: UserApi): Promise<{ view: PublicCampaign } | { missing: true } | { problem: string }> {
  try {
    const { data, error, response } = await api.GET('/v1/campaigns/{campaignId}', {
      params: { path: { campaignId } },
    });
    if (data) return { view: data };
    if (response.status === 404) return { missing: true };
    return { problem: problemText(error, response) };
  } catch {
    return { problem: 'The drop is unreachable right now.' };
  }
}

async function start(): Promise<void> {
  if (!campaignId) {
    show(root, el('section', { class: 'card' }, el('h2', {}, 'Which drop?'), chooseCampaignForm('Open')));
    return;
  }
  let config: WebConfig;
  try {
    config = await loadWebConfig();
  } catch (error) {
    show(root, el('p', { class: 'status bad', role: 'alert' }, `Cannot read the page's configuration: ${error}`));
    return;
  }
  // With the stack's botDefense: a WAF token acquired during the countdown, sent with the claim; with 'captcha',
  // also the puzzle the visitor solves before the claim.
  const captcha = startWafToken(config);
  const visitor = () => storedVisitor();
  const api: UserApi = userClient(config, config.apiUrl, () => visitor()?.credential);
  // The public routes go through the edge when the stack has one (config.countUrl).
  const publicApi: UserApi = userClient(config, config.countUrl, () => undefined);
  // With the campaign's proofOfWork: the challenge solved in a Web Worker, during the countdown when there is one.
  const proofOfWork = dropProofOfWork(api, campaignId);

  // The first read decides the page: not found, the drop, or (until the API answers) why not.
  let first = await readView(publicApi);
  while ('problem' in first) {
    show(root, el('p', { class: 'status bad', role: 'alert' }, first.problem));
    await new Promise((r) => setTimeout(r, VIEW_EVERY_MS));
    first = await readView(publicApi);
  }
  if ('missing' in first) return showNotFound(root, campaignId);

  const readAgain = async () => {
    const next = await readView(publicApi);
    if ('view' in next) card.update(next.view);
    if ('missing' in next) return showNotFound(root, campaignId);
    refreshClaim();
  };
  const card: CampaignCard = campaignCard(first.view, () => {
    refreshClaim();
    void readAgain();
  });
  const account = el('section', { class: 'card' });
  const coupons = couponsCard(api);
  let claiming = false;
  const refreshClaim = () => {
    const puzzleLeft = captcha !== undefined && captcha.token() === undefined;
    card.claim.disabled = claiming || !visitor() || !card.claimable() || puzzleLeft;
  };
  /**
   * Shows WAF's CAPTCHA puzzle in the card until it is solved; true once solved (botDefense `captcha`). A call while
   * the puzzle shows answers with that puzzle.
   */
  let puzzleShowing: Promise<boolean> | undefined;
  const solvePuzzle = (): Promise<boolean> => {
    puzzleShowing ??= showPuzzle().finally(() => {
      puzzleShowing = undefined;
    });
    return puzzleShowing;
  };
  const showPuzzle = async (): Promise<boolean> => {
    if (!captcha) return false;
    show(card.puzzle);
    card.puzzle.hidden = false;
    const token = await captcha.solve(card.puzzle);
    card.puzzle.hidden = true;
    if (!token) {
      show(card.answer, 'The puzzle could not be shown: reload the page to try again.');
      card.answer.className = 'status bad';
      card.answer.hidden = false;
    }
    refreshClaim();
    return token !== undefined;
  };
  show(root, ...card.elements, account, coupons.section);
  setInterval(() => void readAgain(), VIEW_EVERY_MS);

  const renderAccount = () => {
    const v = visitor();
    whoBox.textContent = v ? `Signed in as ${v.name}` : 'Not signed in';
    refreshClaim();
    if (!v) {
      show(account, el('h3', {}, 'Sign in to claim'), signInForm(config, renderAccount));
      show(coupons.section);
      coupons.section.hidden = true;
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
            proofOfWork.reset();
            card.answer.hidden = true;
            renderAccount();
          },
        },
        'Sign out',
      ),
    );
    coupons.section.hidden = false;
    proofOfWork.prepare(card.opensAt());
    // The puzzle before the claim, while the countdown runs: the claim button waits for it.
    const opening = card.claimable() || !Number.isNaN(card.opensAt());
    if (captcha && captcha.token() === undefined && opening) void solvePuzzle();
    void coupons.render().then((n) => {
      couponsShown = n;
    });
  };

  let couponsShown = 0;
  card.claim.addEventListener('click', async () => {
    claiming = true;
    refreshClaim();
    const shown = await requestClaim(
      () =>
        proofOfWork.issue(() => {
          show(card.answer, 'Checking you are not a bot: a few seconds of work in your browser…');
          card.answer.className = 'status warn';
          card.answer.hidden = false;
        }),
      // WAF refused the puzzle's token (expired): the puzzle again, then the claim again.
      captcha &&
        (() => {
          captcha.forget();
          show(card.answer, 'Solve the puzzle again to claim.');
          card.answer.className = 'status warn';
          card.answer.hidden = false;
          return solvePuzzle();
        }),
    );
    show(card.answer, shown.text);
    card.answer.className = `status ${shown.tone}`;
    card.answer.hidden = false;
    claiming = false;
    void readAgain();
    // The coupon is written moments after its admission: look again until it is listed (at most ~20 s).
    const before = couponsShown;
    for (let i = 0; i < 20 && shown.accepted; i++) {
      couponsShown = await coupons.render();
      if (couponsShown > before) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  });

  renderAccount();
}

void start();
