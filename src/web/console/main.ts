import '../shared/style.css';
import 'uplot/dist/uPlot.min.css';
import type { WebConfig } from '../config';
import { type AdminCredentials, adminClient, loadWebConfig, userClient } from '../shared/api';
import { el, show } from '../shared/dom';
import { newCampaignView } from './campaign-form';
import { campaignsView } from './campaigns';
import type { ConsoleContext } from './context';
import { credentialsView, storedCredentials } from './credentials';
import { liveView } from './live';
import { vendorsView } from './vendors';

const root = el('main', { id: 'view' });
const who = el('span', { class: 'who' });
const links = [
  ['#/campaigns', 'Campaigns'],
  ['#/vendors', 'Vendors'],
  ['#/credentials', 'Credentials'],
] as const;
const nav = el('nav', { 'aria-label': 'Sections' }, ...links.map(([href, text]) => el('a', { href }, text)));
document.body.append(el('header', { class: 'top' }, el('h1', {}, 'FCFS coupon console'), nav, who), root);

let leaving: (() => void)[] = [];

function credentials(config: WebConfig): AdminCredentials | undefined {
  return config.adminCredentials ?? storedCredentials();
}

async function start(): Promise<void> {
  let config: WebConfig;
  try {
    config = await loadWebConfig();
  } catch (error) {
    show(root, el('p', { class: 'status bad', role: 'alert' }, `Cannot read the console's configuration: ${error}`));
    return;
  }
  const route = () => {
    for (const stop of leaving) stop();
    leaving = [];
    const hash = location.hash || '#/campaigns';
    for (const a of nav.querySelectorAll('a')) {
      if (hash.startsWith(a.getAttribute('href') ?? '')) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    const creds = credentials(config);
    who.textContent = config.adminCredentials
      ? `Local admin · ${config.apiUrl}`
      : creds
        ? `Access key ${creds.accessKeyId} · ${config.apiUrl}`
        : `No credentials · ${config.apiUrl}`;
    if (!creds || hash === '#/credentials') {
      credentialsView(root, config.adminCredentials !== undefined, () => {
        location.hash = '#/campaigns';
        route();
      });
      return;
    }
    const context: ConsoleContext = {
      config,
      admin: adminClient(config, creds),
      open: userClient(config, config.apiUrl, () => undefined),
      onLeave: (stop) => leaving.push(stop),
    };
    const [, section, id] = hash.split('/').map(decodeURIComponent);
    if (section === 'campaigns' && id === 'new') newCampaignView(root, context);
    else if (section === 'campaigns' && id) liveView(root, context, id);
    else if (section === 'vendors') vendorsView(root, context, id);
    else campaignsView(root, context);
  };
  window.addEventListener('hashchange', route);
  route();
}

void start();
