/** A page request of a listing: at most `limit` items, after the page that returned `cursor` as `nextCursor`. */
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string;
}

/** One page of a listing; `nextCursor` is absent on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}
