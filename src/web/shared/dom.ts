/** A child of {@link el}: a node, text, or nothing (null, undefined and false are skipped). */
export type Child = Node | string | number | null | undefined | false;

/** Attributes of {@link el}: strings set as attributes, booleans toggle one, functions on `onxxx` listen to `xxx`. */
export type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => unknown)>;

/** Creates an element with attributes and children: `el('button', {type: 'button', onclick: go}, 'Go')`. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, '');
    else if (value !== undefined && value !== false) element.setAttribute(name, String(value));
  }
  element.append(...nodes(children));
  return element;
}

function nodes(children: readonly Child[]): (Node | string)[] {
  const kept: (Node | string)[] = [];
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) kept.push(typeof c === 'number' ? String(c) : c);
  return kept;
}

/** Replaces an element's children. */
export function show(target: Element, ...children: Child[]): void {
  target.replaceChildren(...nodes(children));
}

let fieldIds = 0;

/**
 * A labelled input: `<div class="field"><label for>Text</label><input><small>hint</small></div>`, the label naming
 * the field and the hint describing it (`aria-describedby`) for screen readers.
 */
export function field(label: string, attributes: Attributes, hint?: string): HTMLDivElement {
  const id = `field-${++fieldIds}`;
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id }, label),
    el('input', { ...attributes, id, 'aria-describedby': hint ? `${id}-hint` : undefined }),
    hint ? el('small', { id: `${id}-hint` }, hint) : null,
  );
}

/** A table from a header row and rows of cells. */
export function table(caption: string, headers: readonly string[], rows: readonly Child[][]): HTMLTableElement {
  return el(
    'table',
    {},
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c) => el('td', {}, c))))),
  );
}

/** An integer with thousands separators in the visitor's locale. */
export function count(n: number): string {
  return n.toLocaleString();
}

/** An instant in the visitor's time zone, e.g. `Tue, 5 May, 14:00:00`. */
export function localTime(iso: string | number): string {
  return new Date(iso).toLocaleString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** The visitor's IANA time zone, e.g. `Europe/Paris`. */
export function visitorTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Today's date (YYYY-MM-DD) in `timezone` (IANA). */
export function localDate(timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());
}
