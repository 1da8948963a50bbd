import type { WebConfig } from '../config';
import type { AdminApi, UserApi } from '../shared/api';

// Apart from main.ts (which starts the console and imports every view) so the views can name it without a cycle.

/** What every view of the console works with. */
export interface ConsoleContext {
  readonly config: WebConfig;
  /** The admin client: every request SigV4-signed with the operator's credentials. */
  readonly admin: AdminApi;
  /** The unsigned client (the public count route). */
  readonly open: UserApi;
  /** Runs `stop` when the operator leaves the view (timers, pollers). */
  onLeave(stop: () => void): void;
}
