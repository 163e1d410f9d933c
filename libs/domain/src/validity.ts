/**
 * Time-bound access: a membership, an application grant or a designation may hold from
 * `validFrom` (included) until `validUntil` (excluded). Both optional; an absent bound is open.
 * Every check compares the caller's `now` with the bounds themselves, so an expiry takes effect
 * at the instant it names, without anyone having to notice it first.
 */

/** An instant as it travels (ISO 8601 text), is stored (Date) or is computed (epoch ms). */
export type Instant = Date | string | number;

export interface ValidityWindow {
  validFrom?: Instant | null;
  validUntil?: Instant | null;
}

/** Where `now` stands relative to a window: not yet started, inside it, or past its end. */
export type ValidityState = 'future' | 'current' | 'expired';
export const VALIDITY_STATES = ['future', 'current', 'expired'] as const satisfies readonly ValidityState[];

/** Epoch ms of an instant; undefined for an absent bound. */
export function instantMs(value: Instant | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** validFrom ≤ now < validUntil is current; before validFrom future; from validUntil on expired. */
export function validityAt(window: ValidityWindow | undefined, now: number): ValidityState {
  const from = instantMs(window?.validFrom);
  const until = instantMs(window?.validUntil);
  if (until !== undefined && now >= until) return 'expired';
  if (from !== undefined && now < from) return 'future';
  return 'current';
}

export function isCurrentAt(window: ValidityWindow | undefined, now: number): boolean {
  return validityAt(window, now) === 'current';
}

/**
 * The first bound of these windows after `now` (epoch ms): until then every window keeps the state
 * it has at `now`, so an answer computed from them holds until that instant. Undefined: none ahead.
 */
export function nextBoundaryAfter(windows: readonly (ValidityWindow | undefined)[], now: number): number | undefined {
  let next: number | undefined;
  for (const window of windows) {
    for (const bound of [instantMs(window?.validFrom), instantMs(window?.validUntil)]) {
      if (bound !== undefined && bound > now && (next === undefined || bound < next)) next = bound;
    }
  }
  return next;
}

/** Whether a window has a bound at all (an open window never changes state). */
export function isBounded(window: ValidityWindow | undefined): boolean {
  return instantMs(window?.validFrom) !== undefined || instantMs(window?.validUntil) !== undefined;
}

/**
 * A window is well-formed when its start comes strictly before its end. Returns the offending
 * field (`validUntil`) or nothing. Bounds in the past are allowed: a manager records an access
 * that already ended, or that started before it was entered.
 */
export function windowProblem(window: ValidityWindow): 'validUntil' | undefined {
  const from = instantMs(window.validFrom);
  const until = instantMs(window.validUntil);
  if (from !== undefined && until !== undefined && from >= until) return 'validUntil';
  return undefined;
}

/** The window after a change where `null` clears a bound and `undefined` keeps the old one. */
export function mergeWindow(before: ValidityWindow, change: ValidityWindow): { validFrom?: Instant; validUntil?: Instant } {
  const pick = (key: 'validFrom' | 'validUntil') => (change[key] === undefined ? before[key] : change[key]) ?? undefined;
  const validFrom = pick('validFrom');
  const validUntil = pick('validUntil');
  return { ...(validFrom !== undefined ? { validFrom } : {}), ...(validUntil !== undefined ? { validUntil } : {}) };
}

/** The earliest of a session's own end and its role's `validUntil`: nobody may believe it past that. */
export function believedUntil(sessionEnd: number, window: ValidityWindow | undefined): number {
  const until = instantMs(window?.validUntil);
  return until === undefined ? sessionEnd : Math.min(sessionEnd, until);
}

/** ISO 8601 text of a stored bound, for answers and events. */
export function isoOf(value: Instant | null | undefined): string | undefined {
  const ms = instantMs(value);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** A granted application with its own window (an open-ended grant has none). */
export interface ApplicationWindow extends ValidityWindow {
  code: string;
}

/** The granted applications that hold at `now`: those without a window, and those inside theirs. */
export function applicationsCurrentAt(applications: readonly string[], windows: readonly ApplicationWindow[] | undefined, now: number): string[] {
  if (!windows || windows.length === 0) return [...applications];
  const byCode = new Map(windows.map((w) => [w.code, w]));
  return applications.filter((code) => isCurrentAt(byCode.get(code), now));
}

/** A window's bound that `now` has reached: `started` at validFrom, `expired` at validUntil. */
export interface PassedBoundary {
  /** Names the bound and its instant: a bound moved elsewhere is another boundary. */
  key: string;
  change: 'started' | 'expired';
  at: string;
}

/** The bounds of a window that lie at or before `now` (`prefix` tells grants apart: `app:dimona:`). */
export function passedBoundaries(window: ValidityWindow | undefined, now: number, prefix = ''): PassedBoundary[] {
  const passed: PassedBoundary[] = [];
  for (const [field, change, tag] of [
    ['validFrom', 'started', 'from'],
    ['validUntil', 'expired', 'until'],
  ] as const) {
    const ms = instantMs(window?.[field]);
    if (ms !== undefined && ms <= now) {
      const at = new Date(ms).toISOString();
      passed.push({ key: `${prefix}${tag}:${at}`, change, at });
    }
  }
  return passed;
}
