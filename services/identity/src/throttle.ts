/**
 * Login throttling per account and per source address. Each attempt is recorded as its own
 * document *before* the password is checked, and removed again when it succeeds: inserts are
 * atomic on MongoDB and FerretDB alike (FerretDB 1.24 loses concurrent `$inc`s), so failures are
 * counted exactly, and a burst of parallel guesses counts itself before any is verified.
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
}

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

  /** Records the attempt for every subject, then tells whether any of them is locked. */
  async reserve(subjects: Subject[]): Promise<Reservation> {
    const now = new Date();
    const inserted = await this.attempts.insertMany(subjects.map((s) => ({ key: s.key, at: now })));
    const since = new Date(now.getTime() - WINDOW_MS);
    let retryAfterSeconds = 0;
    for (const [i, subject] of subjects.entries()) {
      const mine = inserted[i]!._id;
      const others = await this.attempts
        .find({ key: subject.key, at: { $gte: since }, _id: { $ne: mine } }, { at: 1 })
        .sort({ at: -1 })
        .lean();
      const seconds = lockSeconds(others.length, subject.policy);
      if (seconds === 0 || !others[0]) continue;
      const lockedUntil = others[0].at.getTime() + seconds * 1000;
      retryAfterSeconds = Math.max(retryAfterSeconds, Math.ceil((lockedUntil - now.getTime()) / 1000));
    }
    if (retryAfterSeconds > 0) {
      // A refused attempt was never checked, so it is not a failure.
      await this.attempts.deleteMany({ _id: { $in: inserted.map((d) => d._id) } });
      return { retryAfterSeconds, succeeded: async () => {} };
    }
    return {
      retryAfterSeconds: 0,
      succeeded: async () => {
        // The account's failures are forgotten; the address keeps its record but for this attempt.
        const accountKeys = subjects.filter((s) => s.key.startsWith('account:')).map((s) => s.key);
        await this.attempts.deleteMany({ key: { $in: accountKeys } });
        await this.attempts.deleteMany({ _id: { $in: inserted.map((d) => d._id) } });
      },
    };
  }

  /** Forgets attempts older than the window. */
  async prune(): Promise<number> {
    const result = await this.attempts.deleteMany({ at: { $lt: new Date(Date.now() - WINDOW_MS) } });
    return result.deletedCount;
  }

  /** Failures currently counted for a key (tests, diagnostics). */
  count(key: string): Promise<number> {
    return this.attempts.countDocuments({ key, at: { $gte: new Date(Date.now() - WINDOW_MS) } });
  }
}
