import type { AdminCredentials } from '../shared/api';
import { el, field, show } from '../shared/dom';

/** Where pasted credentials live: session storage only (gone when the tab closes), never local storage. */
const STORAGE_KEY = 'fcfs-console.credentials';

/** The credentials pasted in this tab's session, if any. */
export function storedCredentials(): AdminCredentials | undefined {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as AdminCredentials;
    return parsed.accessKeyId && parsed.secretAccessKey ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The credentials view: paste an access key, secret and (temporary credentials) session token of a role allowed
 * `execute-api:Invoke` on the admin routes; kept in session storage only. `onChange` runs after save or forget.
 */
export function credentialsView(target: HTMLElement, filledIn: boolean, onChange: () => void): void {
  const current = storedCredentials();
  const form = el(
    'form',
    { class: 'grid', 'aria-label': 'Admin credentials' },
    field('Access key id', { name: 'accessKeyId', required: true, autocomplete: 'off', value: current?.accessKeyId }),
    field('Secret access key', { name: 'secretAccessKey', type: 'password', required: true, autocomplete: 'off' }),
    field(
      'Session token',
      { name: 'sessionToken', type: 'password', autocomplete: 'off' },
      'for temporary credentials',
    ),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Use these credentials')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    const credentials: AdminCredentials = {
      accessKeyId: value('accessKeyId'),
      secretAccessKey: value('secretAccessKey'),
      ...(value('sessionToken') ? { sessionToken: value('sessionToken') } : {}),
    };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
    onChange();
  });
  const forget = el(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        sessionStorage.removeItem(STORAGE_KEY);
        onChange();
      },
    },
    'Forget the pasted credentials',
  );
  show(
    target,
    el('h2', {}, 'Admin credentials'),
    el(
      'section',
      { class: 'card' },
      filledIn
        ? el('p', { class: 'status ok' }, 'The local cloud filled in its local admin credentials: nothing to paste.')
        : el(
            'p',
            {},
            'Paste the credentials of a role allowed execute-api:Invoke on the admin routes ',
            el('code', {}, '/v1/admin/*'),
            ' (for example from ',
            el('code', {}, 'aws configure export-credentials'),
            '). They stay in this tab’s session storage and sign each request in the browser (SigV4); they are sent nowhere else.',
          ),
      filledIn ? null : form,
      current ? el('div', { class: 'actions' }, forget) : null,
    ),
  );
}
