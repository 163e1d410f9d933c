/**
 * Login throttling per username typed and per source address. A username is counted whether it
 * exists or not, under a hash of its normalised form, so an unknown name locks (423) at exactly
 * the attempt a known one does and the answers cannot tell them apart; an address that fails too
 * often is refused on its own account (429), whatever username it sends. Each attempt is recorded as its own
 * document (`pending`) *before* the credential is checked, then marked `failed` or removed when it
 * succeeds: inserts and single-document updates are safe on MongoDB and FerretDB alike (FerretDB
 * 1.24 loses concurrent `$inc`s), so failures are counted exactly. Only failures earn the growing
 * lock; attempts still being checked only cap a burst (MAX_IN_FLIGHT), so concurrent logins of one
 * healthy account are not locked, and a process dying mid-check leaves no failure behind.
 */
import { createHash } from 'node:crypto';
import { BlockList } from 'node:net';
import { Schema, type Connection } from 'mongoose';
import { allowlistEntries, parseAllowlistEntry, type IdentityConfig } from '@um/platform';

export interface ThrottlePolicy {
  /** Failures within the window tolerated before a lock. */
  threshold: number;
  /** Failures older than this no longer count. */
  windowMs: number;
  baseLockSeconds: number;
  maxLockSeconds: number;
}

/**
 * What a throttled key stands for: a username as typed (known or not, so that a lock says nothing
 * about whether the name exists), or a source address.
 */
export type SubjectKind = 'username' | 'address';

export interface ThrottlePolicies {
  username: ThrottlePolicy;
  address: ThrottlePolicy;
}

export function policiesFrom(config: IdentityConfig): ThrottlePolicies {
  const lock = { baseLockSeconds: config.UM_LOGIN_LOCK_SECONDS, maxLockSeconds: Math.max(config.UM_LOGIN_LOCK_SECONDS, config.UM_LOGIN_MAX_LOCK_SECONDS) };
  return {
    username: { threshold: config.UM_LOGIN_USERNAME_MAX_FAILURES, windowMs: config.UM_LOGIN_USERNAME_WINDOW_MINUTES * 60_000, ...lock },
    address: { threshold: config.UM_LOGIN_ADDRESS_MAX_FAILURES, windowMs: config.UM_LOGIN_ADDRESS_WINDOW_MINUTES * 60_000, ...lock },
  };
}

/** Lock length after `failures` failures: none below the threshold, then doubling up to the cap. */
export function lockSeconds(failures: number, policy: ThrottlePolicy): number {
  if (failures < policy.threshold) return 0;
  return Math.min(policy.maxLockSeconds, policy.baseLockSeconds * 2 ** Math.min(failures - policy.threshold, 30));
}

/**
 * The form of a typed username that is counted: Unicode NFKC, trimmed, lower-case (usernames are
 * lower-case letters and digits, so "Alice123 " and "alice123" are the same guess).
 */
export function normaliseUsername(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

/** Source address as Node reports it; an IPv4-mapped IPv6 address counts as its IPv4 address. */
export function normaliseAddress(address: string): string {
  return address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

/** UM_LOGIN_ADDRESS_ALLOWLIST as a matcher. */
export function addressAllowlist(list: string): (address: string) => boolean {
  const entries = allowlistEntries(list).map(parseAllowlistEntry);
  if (entries.length === 0) return () => false;
  const blocks = new BlockList();
  for (const entry of entries) {
    if (!entry) continue;
    if (entry.prefix === undefined) blocks.addAddress(entry.address, entry.family);
    else blocks.addSubnet(entry.address, entry.prefix, entry.family);
  }
  return (address) => {
    const normalised = normaliseAddress(address);
    const family = normalised.includes(':') ? 'ipv6' : 'ipv4';
    try {
      return blocks.check(normalised, family);
    } catch {
      return false;
    }
  };
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

export interface Refusal {
  kind: SubjectKind;
  retryAfterSeconds: number;
}

export interface Reservation {
  /** Why the attempt may not proceed (an address lock wins over a username lock); undefined: go on. */
  refusal?: Refusal;
  /** The attempt turned out right: forget this username's failures. */
  succeeded(): Promise<void>;
  /**
   * The credential was wrong: the attempt now counts as a failure. Answers the kinds whose
   * threshold this very failure reached (a lock-out begins).
   */
  failed(): Promise<SubjectKind[]>;
}

/**
 * Attempts being checked right now, per key, beyond which a new one waits: it bounds how many
 * guesses a burst gets before its failures count. Pending records older than PENDING_MS (left by
 * a process that died mid-check) are ignored.
 */
const MAX_IN_FLIGHT = 20;
const PENDING_MS = 30_000;

export interface Subject {
  kind: SubjectKind;
  key: string;
}

export class LoginThrottle {
  private readonly allowlisted: (address: string) => boolean;

  constructor(
    private readonly attempts: AttemptModel,
    private readonly policies: ThrottlePolicies,
    allowlist = '',
    /** The clock (tests give a fixed one). */
    private readonly now: () => number = Date.now,
  ) {
    this.allowlisted = addressAllowlist(allowlist);
  }

  /** The key of a typed username: a hash of its normalised form, the same whether it exists or not. */
  static usernameKey(username: string): string {
    return `user:${createHash('sha256').update(normaliseUsername(username)).digest('hex')}`;
  }

  static addressKey(sourceIp: string): string {
    return `ip:${normaliseAddress(sourceIp)}`;
  }

  /** The subjects of a login attempt: the username typed and, unless allow-listed, the address. */
  loginSubjects(username: string | undefined, sourceIp: string): Subject[] {
    const subjects: Subject[] = [];
    if (username !== undefined) subjects.push({ kind: 'username', key: LoginThrottle.usernameKey(username) });
    if (!this.allowlisted(sourceIp)) subjects.push({ kind: 'address', key: LoginThrottle.addressKey(sourceIp) });
    return subjects;
  }

  isAllowlisted(sourceIp: string): boolean {
    return this.allowlisted(sourceIp);
  }

  /**
   * Records the attempt for every subject, then tells whether any of them is locked: by its
   * failures (the growing lock), or by too many attempts being checked at once.
   */
  async reserve(subjects: Subject[]): Promise<Reservation> {
    const now = new Date(this.now());
    const inserted = subjects.length ? await this.attempts.insertMany(subjects.map((s) => ({ key: s.key, at: now, state: 'pending' }))) : [];
    const ids = inserted.map((d) => d._id);
    const refusals: Refusal[] = [];
    for (const [i, subject] of subjects.entries()) {
      const policy = this.policies[subject.kind];
      const mine = inserted[i]!._id;
      // One read per subject: its failures within the window and the others' attempts being checked.
      const failedSince = now.getTime() - policy.windowMs;
      const pendingSince = now.getTime() - PENDING_MS;
      const recent = await this.attempts.find({ key: subject.key, at: { $gte: new Date(Math.min(failedSince, pendingSince)) } }, { state: 1, at: 1 }).lean();
      const failures = recent.filter((a) => a.state === 'failed' && a.at.getTime() >= failedSince).sort((a, b) => b.at.getTime() - a.at.getTime());
      const inFlight = recent.filter((a) => a.state === 'pending' && a.at.getTime() >= pendingSince && !a._id.equals(mine)).length;
      let retryAfterSeconds = inFlight >= MAX_IN_FLIGHT ? 1 : 0;
      const seconds = lockSeconds(failures.length, policy);
      if (seconds > 0 && failures[0]) {
        const lockedUntil = failures[0].at.getTime() + seconds * 1000;
        retryAfterSeconds = Math.max(retryAfterSeconds, Math.ceil((lockedUntil - now.getTime()) / 1000));
      }
      if (retryAfterSeconds > 0) refusals.push({ kind: subject.kind, retryAfterSeconds });
    }
    if (refusals.length > 0) {
      // A refused attempt was never checked, so it is not a failure.
      await this.attempts.deleteMany({ _id: { $in: ids } });
      const refusal = refusals.find((r) => r.kind === 'address') ?? refusals[0]!;
      return { refusal, succeeded: async () => {}, failed: async () => [] };
    }
    return {
      succeeded: async () => {
        // The username's failures are forgotten; the address keeps its record but for this attempt.
        await this.clear(subjects.filter((s) => s.kind === 'username').map((s) => s.key));
        await this.attempts.deleteMany({ _id: { $in: ids } });
      },
      failed: async () => {
        await this.attempts.updateMany({ _id: { $in: ids } }, { $set: { state: 'failed' } });
        const reached: SubjectKind[] = [];
        for (const subject of subjects) {
          if ((await this.count(subject.key, subject.kind)) === this.policies[subject.kind].threshold) reached.push(subject.kind);
        }
        return reached;
      },
    };
  }

  /** Forgets the failures of these keys (a good login, an unlock by the contact centre). */
  async clear(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const result = await this.attempts.deleteMany({ key: { $in: keys }, state: 'failed' });
    return result.deletedCount;
  }

  /** Forgets attempts older than every window. */
  async prune(): Promise<number> {
    const longest = Math.max(this.policies.username.windowMs, this.policies.address.windowMs, PENDING_MS);
    const result = await this.attempts.deleteMany({ at: { $lt: new Date(this.now() - longest) } });
    return result.deletedCount;
  }

  /** Failures currently counted for a key. */
  count(key: string, kind: SubjectKind): Promise<number> {
    return this.attempts.countDocuments({ key, state: 'failed', at: { $gte: new Date(this.now() - this.policies[kind].windowMs) } });
  }
}
