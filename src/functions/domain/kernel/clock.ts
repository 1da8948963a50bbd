/** A source of the current instant; injected so rules and tests never read the wall clock directly. */
export type Clock = () => Date;

/** The wall clock. */
export const systemClock: Clock = () => new Date();
