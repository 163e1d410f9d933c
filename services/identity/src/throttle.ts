/**
 * Login throttling per account and per source address. Each attempt is recorded as its own
 * document (`pending`) *before* the credential is checked, then marked `failed` or removed when it
 * succeeds: inserts and single-document updates are safe on MongoDB and FerretDB alike (FerretDB
 * 1.24 loses concurrent `$inc`s), so failures are counted exactly. Only failures earn the growing
 * lock; attempts still being checked only cap a burst (MAX_IN_FLIGHT), so concurrent logins of one
 * healthy account are not locked, and a process dying mid-check leaves no failure behind.
 */
import { Schema, type Connection, type Types } from 'mongoose';

export interface ThrottlePolicy {
  /** Failures tolerated before a lock. */
  threshold: number;
  baseLockSeconds: number;
  maxLockSeconds: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { threshold: 5, baseLockSeconds: 30, maxLockSeconds: 15 * 60 };
/** A source address may fail more (several people behind one NAT), then gets the same growing lock. */
export const ADDRESS_POLICY: ThrottlePolicy = { threshold: 50, baseLockSeconds: 30, maxLockSeconds: 15 * 60 };
/** Failures older than this no longer count. */
const WINDOW_MS = 24 * 3_600_000;

/** Lock length after `failures` failures: none below the threshold, then doubling up to the cap. */
export function lockSeconds(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.threshold) return 0;
  return Math.min(policy.maxLockSeconds, policy.baseLockSeconds * 2 ** (failures - policy.threshold));
}

const AttemptSchema = new Schema(
  {
    key: { type: String, required: true },
    at: { type: Date, required: true },
    /** `pending` while the credential is being checked; `failed` once it proved wrong. */
    state: { type: String, enum: ['pending', 'failed'], required: true },
  },
  { collection: 'login_attempts', versionKey: false },
);
AttemptSchema.index({ key: 1, at: 1 });
// No TTL index: FerretDB 1.24 does not implement expireAfterSeconds, so `prune` runs on a timer.
AttemptSchema.index({ at: 1 });

export function createAttemptModel(db: Connection) {
  return db.model('LoginAttempt', AttemptSchema);
}
export type AttemptModel = ReturnType<typeof createAttemptModel>;

export interface Reservation {
  /** Seconds to wait when locked; 0 when the attempt may proceed. */
  retryAfterSeconds: number;
  /** The attempt turned out right: forget this key's failures. */
  succeeded(): Promise<void>;
  /** The credential was wrong: the attempt now counts as a failure. */
  failed(): Promise<void>;
}

/**
 * Attempts being checked right now, per key, beyond which a new one waits: it bounds how many
 * guesses a burst gets before its failures count. Pending records older than PENDING_MS (left by
 * a process that died mid-check) are ignored.
 */
const MAX_IN_FLIGHT = 20;
const PENDING_MS = 30_000;

interface Subject {
  key: string;
  policy: ThrottlePolicy;
}

export class LoginThrottle {
  constructor(private readonly attempts: AttemptModel) {}

  static accountKey(personId: Types.ObjectId | string): string {
    return `account:${String(personId)}`;
  }

  static addressKey(sourceIp: string): string {
    return `ip:${sourceIp}`;
  }

  /**
   * Records the attempt for every subject, then tells whether any of them is locked: by its
   * failures (the growing lock), or by too many attempts being checked at once.
   */
  async reserve(subjects: Subject[]): Promise<Reservation> {
    const now = new Date();
    const inserted = await this.attempts.insertMany(subjects.map((s) => ({ key: s.key, at: now, state: 'pending' })));
    const ids = inserted.map((d) => d._id);
    const since = new Date(now.getTime() - WINDOW_MS);
    let retryAfterSeconds = 0;
    for (const [i, subject] of subjects.entries()) {
      const mine = inserted[i]!._id;
      const [failures, inFlight] = await Promise.all([
        this.attempts.find({ key: subject.key, state: 'failed', at: { $gte: since } }, { at: 1 }).sort({ at: -1 }).lean(),
        this.attempts.countDocuments({ key: subject.key, state: 'pending', at: { $gte: new Date(now.getTime() - PENDING_MS) }, _id: { $ne: mine } }),
      ]);
      if (inFlight >= MAX_IN_FLIGHT) retryAfterSeconds = Math.max(retryAfterSeconds, 1);
      const seconds = lockSeconds(failures.length, subject.policy);
      if (seconds === 0 || !failures[0]) continue;
      const lockedUntil = failures[0].at.getTime() + seconds * 1000;
      retryAfterSeconds = Math.max(retryAfterSeconds, Math.ceil((lockedUntil - now.getTime()) / 1000));
    }
    if (retryAfterSeconds > 0) {
      // A refused attempt was never checked, so it is not a failure.
      await this.attempts.deleteMany({ _id: { $in: ids } });
      return { retryAfterSeconds, succeeded: async () => {}, failed: async () => {} };
    }
    return {
      retryAfterSeconds: 0,
      succeeded: async () => {
        // The account's failures are forgotten; the address keeps its record but for this attempt.
        const accountKeys = subjects.filter((s) => s.key.startsWith('account:')).map((s) => s.key);
        await this.attempts.deleteMany({ key: { $in: accountKeys }, state: 'failed' });
        await this.attempts.deleteMany({ _id: { $in: ids } });
      },
      failed: async () => {
        await this.attempts.updateMany({ _id: { $in: ids } }, { $set: { state: 'failed' } });
      },
    };
  }

  /** The keys a person's login failures are counted under: their account and the username they type. */
  static keysOfPerson(personId: Types.ObjectId | string, username?: string): string[] {
    return [LoginThrottle.accountKey(personId), ...(username ? [`username:${username}`] : [])];
  }

  /** Clears a lock-out: the failures (and stale pending attempts) of these keys are forgotten. */
  async forget(keys: string[]): Promise<number> {
    const result = await this.attempts.deleteMany({ key: { $in: keys } });
    return result.deletedCount;
  }

  /** Forgets attempts older than the window. */
  async prune(): Promise<number> {
    const result = await this.attempts.deleteMany({ at: { $lt: new Date(Date.now() - WINDOW_MS) } });
    return result.deletedCount;
  }

  /** Failures currently counted for a key (tests, diagnostics). */
  count(key: string): Promise<number> {
    return this.attempts.countDocuments({ key, state: 'failed', at: { $gte: new Date(Date.now() - WINDOW_MS) } });
  }
}
