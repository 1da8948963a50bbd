/**
 * The arrival curve of a drop: how `users` issue requests spread over the first seconds after the window opens.
 * A burst that decays exponentially: the crowd waits on the drop page and presses at the opening second, the late
 * ones trail off. With decay constant τ (`decaySeconds`) the share of users arriving in second t (t = 0 is the
 * opening second) is (e^(-t/τ) - e^(-(t+1)/τ)) / (1 - e^(-S/τ)) over a horizon of S seconds, so every user
 * arrives within the horizon. With the default τ = 5 s: 18.1% in the opening second, 86.5% in the first 10 s.
 */

/** The simulated horizon, s: the first minute of a drop. */
export const DROP_HORIZON_SECONDS = 60;

/** Decay constant of the default burst, s (see the module comment). */
export const DEFAULT_DECAY_SECONDS = 5;

/** Most users a simulated drop may have (the campaign schema's largest daily quota, 10,000,000, times ten). */
const MAX_USERS = 100_000_000;

/** A parameterized burst: `users` requests over `seconds` seconds, decaying with constant `decaySeconds`. */
export interface ArrivalCurve {
  /** Users, one issue request each; an integer, 0 to 100,000,000. */
  readonly users: number;
  /** Decay constant τ, s (> 0). @default DEFAULT_DECAY_SECONDS */
  readonly decaySeconds?: number;
  /** The horizon, s (an integer >= 1). @default DROP_HORIZON_SECONDS */
  readonly seconds?: number;
}

/** Share of the users arrived by the end of second t: the curve's cumulative distribution, exactly 1 at `seconds`. */
const arrivedBy = (t: number, decaySeconds: number, seconds: number) =>
  t >= seconds ? 1 : (1 - Math.exp(-t / decaySeconds)) / (1 - Math.exp(-seconds / decaySeconds));

const check = (curve: ArrivalCurve) => {
  const decaySeconds = curve.decaySeconds ?? DEFAULT_DECAY_SECONDS;
  const seconds = curve.seconds ?? DROP_HORIZON_SECONDS;
  if (!Number.isInteger(curve.users) || curve.users < 0 || curve.users > MAX_USERS) {
    throw new RangeError(`users must be an integer from 0 to ${MAX_USERS}, got ${curve.users}`);
  }
  if (!(decaySeconds > 0) || !Number.isFinite(decaySeconds)) {
    throw new RangeError(`decaySeconds must be a finite number above 0, got ${decaySeconds}`);
  }
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new RangeError(`seconds must be an integer >= 1, got ${seconds}`);
  return { decaySeconds, seconds };
};

/** Share of the users that arrive in the opening second (0 < share <= 1). @throws RangeError as {@link arrivalsOf} */
export function openingSecondShare(curve: Omit<ArrivalCurve, 'users'>): number {
  const { decaySeconds, seconds } = check({ ...curve, users: 0 });
  return arrivedBy(1, decaySeconds, seconds);
}

/**
 * Issue requests per second of the curve, one entry per second of the horizon: floor(users x F(t + 1)) -
 * floor(users x F(t)) with F the share arrived by the end of second t, so they sum to `users` exactly and the
 * arrivals by any second never decrease as `users` grows. Deterministic.
 * @throws RangeError when `users`, `decaySeconds` or `seconds` is out of range.
 */
export function arrivalsOf(curve: ArrivalCurve): number[] {
  const { decaySeconds, seconds } = check(curve);
  const by = (t: number) => Math.floor(curve.users * arrivedBy(t, decaySeconds, seconds));
  return Array.from({ length: seconds }, (_, t) => by(t + 1) - by(t));
}

/**
 * Users whose opening second brings `peakRps` requests under the curve: the dry run's way from a campaign's
 * `expectedPeakRps` to a crowd (peakRps / {@link openingSecondShare}, rounded), capped at 100,000,000.
 * @throws RangeError as {@link arrivalsOf}
 */
export function usersForPeak(peakRps: number, curve: Omit<ArrivalCurve, 'users'> = {}): number {
  return Math.min(MAX_USERS, Math.round(peakRps / openingSecondShare(curve)));
}
