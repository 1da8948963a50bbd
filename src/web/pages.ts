/** The static pages that ship with the product: each a folder under `src/web/` with `index.html` and `main.ts`. */
export const WEB_PAGES = ['console', 'drop'] as const;
/** One of {@link WEB_PAGES}. */
export type WebPage = (typeof WEB_PAGES)[number];
