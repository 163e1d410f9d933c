/**
 * Bulk import jobs (docs/import.md). The gateway creates a job, sends the file's rows in chunks
 * (a file is larger than one NATS message), then starts it; a worker of this service checks each
 * chunk (import-rows.ts: one identity look-up per chunk) and, unless it is a dry run, registers
 * each planned row through the single registration's own function (`registerUser`). Results are
 * stored per chunk, counts on the job.
 *
 * Interruption: rows are independent and idempotent (a person already a user of the quality is
 * `unchanged`), so a job is resumed, not repaired: the worker renews its lease on the job after
 * every chunk, and any instance takes over a running job whose lease has expired (at start and
 * every sweep), skipping chunks whose results are stored. Rows of the chunk that was in progress
 * are applied again, and those the dead worker had registered then read `unchanged`.
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import type { Context, ServiceBroker } from 'moleculer';
import { IMPORT_CHUNK_ROWS, type QualityType } from '@um/domain';
import { type CallMeta, type ImportCounts, type ImportInputRow, type ImportJobView, type ImportRow, type ImportReportItem, type Principal } from '@um/contracts';
import { ClientProblem, call, defineAction, ensureAllowed, notFound, type Logger } from '@um/platform';
import type { ActionSchema } from 'moleculer';
import { registerUsers, type Ctx } from './actions/users.js';
import { fileDuplicates, isPlanned, planRow, readRow, type RowPlan } from './import-rows.js';
import { membershipId, type ImportJobDoc, type UserManagementModels } from './model.js';
import type { Sync } from './sync.js';

/** A job whose file never finished arriving (the gateway died while sending it) is given up after this. */
const RECEIVING_MS = 10 * 60_000;
/** Chunks of one job checked and applied together. */
const CHUNKS_IN_FLIGHT = 2;

type Job = ImportJobDoc & { _id: string; createdAt: Date };
const chunkId = (importId: string, chunk: number) => `${importId}:${chunk}`;
const emptyCounts = (total: number): ImportCounts => ({ total, done: 0, created: 0, reused: 0, unchanged: 0, error: 0 });

function tally(counts: ImportCounts, results: readonly ImportReportItem[]): ImportCounts {
  const next = { ...counts };
  for (const r of results) {
    next.done += 1;
    next[r.status] += 1;
  }
  return next;
}

export class Imports {
  private readonly id = randomUUID();
  private readonly running = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly models: UserManagementModels,
    private readonly sync: Sync,
    private readonly logger: Logger,
    /** A worker that has not renewed its lease for this long is presumed dead and its job taken over (UM_IMPORT_LEASE_SECONDS). */
    private readonly options: { leaseMs: number; keepMs: number } = { leaseMs: 60_000, keepMs: 30 * 86_400_000 },
  ) {}

  /** Takes over abandoned jobs now and then every half lease. */
  start(broker: ServiceBroker): void {
    const sweep = () => void this.sweep(broker).catch((err: unknown) => this.logger.error({ err }, 'import sweep failed'));
    sweep();
    this.sweepTimer = setInterval(sweep, this.options.leaseMs / 2);
    this.sweepTimer.unref();
  }

  stop(): void {
    clearInterval(this.sweepTimer);
  }

  private async sweep(broker: ServiceBroker): Promise<void> {
    const now = Date.now();
    await this.models.ImportJob.updateMany({ status: 'receiving', updatedAt: { $lt: new Date(now - RECEIVING_MS) } }, { $set: { status: 'abandoned' } });
    const before = new Date(now - this.options.leaseMs);
    // Also a job started whose worker never claimed it (its instance stopped right after the start).
    const stale = await this.models.ImportJob.find(
      { status: 'running', $or: [{ heartbeatAt: { $lt: before } }, { heartbeatAt: { $exists: false }, updatedAt: { $lt: before } }] },
      { _id: 1 },
    ).lean();
    for (const job of stale) this.launch(broker, String(job._id));
    await this.purge(now);
  }

  /**
   * Jobs done with for UM_IMPORT_KEEP_DAYS go, their chunks first (the file's rows and the report):
   * a purge cut short leaves the job, and the next sweep finishes it.
   */
  private async purge(now: number): Promise<void> {
    const expired = await this.models.ImportJob.find({ status: { $in: ['finished', 'abandoned'] }, updatedAt: { $lt: new Date(now - this.options.keepMs) } }, { _id: 1, chunks: 1 }).lean();
    for (const job of expired) {
      const importId = String(job._id);
      await this.models.ImportChunk.deleteMany({ _id: { $in: Array.from({ length: job.chunks }, (_, i) => chunkId(importId, i)) } });
      await this.models.ImportJob.deleteOne({ _id: importId });
    }
    if (expired.length > 0) this.logger.info({ jobs: expired.length }, 'old import jobs deleted with their rows and reports');
  }

  /** Runs the job in the background if this instance wins its lease. */
  launch(broker: ServiceBroker, importId: string): void {
    if (this.running.has(importId)) return;
    this.running.add(importId);
    void this.run(broker, importId)
      .catch((err: unknown) => this.logger.error({ err, importId }, 'import stopped by an error; another sweep resumes it'))
      .finally(() => this.running.delete(importId));
  }

  private async claim(importId: string): Promise<Job | null> {
    const now = new Date();
    return (await this.models.ImportJob.findOneAndUpdate(
      { _id: importId, status: 'running', $or: [{ worker: this.id }, { worker: { $exists: false } }, { heartbeatAt: { $lt: new Date(now.getTime() - this.options.leaseMs) } }] },
      { $set: { worker: this.id, heartbeatAt: now } },
      { returnDocument: 'after' },
    ).lean()) as Job | null;
  }

  private async run(broker: ServiceBroker, importId: string): Promise<void> {
    const job = await this.claim(importId);
    if (!job) return;
    const principal = job.principal as Principal;
    // A context of its own: the job outlives the request that started it (and its deadline).
    const ctx = broker.ContextFactory.create(broker, null as never, {}, { meta: { principal }, requestID: `import-${importId}` }) as Ctx;
    const quality = job.quality as QualityType;
    const chunks = await this.chunks(Array.from({ length: job.chunks }, (_, i) => chunkId(importId, i)));
    const duplicates = fileDuplicates(chunks.flatMap((c) => c.rows as ImportInputRow[]));
    let counts = emptyCounts(job.total);
    const pending = chunks.filter((chunk) => {
      if (chunk.results) counts = tally(counts, chunk.results as ImportReportItem[]);
      return !chunk.results;
    });
    // Chunks are independent (a NISS or username repeated across them is DUPLICATE_IN_FILE), so a
    // few are in flight together: one's store round trips overlap another's.
    let next = 0;
    let lost = false;
    const worker = async () => {
      while (next < pending.length && !lost) {
        const chunk = pending[next++]!;
        const plans = await this.plan(ctx, job, chunk.rows as ImportInputRow[], duplicates);
        const results = job.dryRun ? plans.map((p) => (isPlanned(p) ? { row: p.row, status: p.status, ...(p.personId ? { personId: p.personId } : {}) } : p)) : await this.apply(ctx, job, quality, plans);
        await this.models.ImportChunk.updateOne({ _id: chunk._id }, { $set: { results } });
        counts = tally(counts, results);
        const renewed = await this.models.ImportJob.updateOne({ _id: importId, worker: this.id }, { $set: { counts, heartbeatAt: new Date() } });
        // Another instance took the job over (this one was presumed dead): it carries on alone.
        if (renewed.matchedCount === 0) lost = true;
      }
    };
    await Promise.all(Array.from({ length: CHUNKS_IN_FLIGHT }, worker));
    if (lost) return;
    await this.models.ImportJob.updateOne({ _id: importId, worker: this.id }, { $set: { counts, status: 'finished', finishedAt: new Date() }, $unset: { worker: 1 } });
    this.logger.info({ importId, counts, dryRun: job.dryRun }, 'import finished');
  }

  /**
   * Chunks by `_id`, one find each: FerretDB serves an `_id` equality from its index but scans the
   * whole collection (every past import's rows) for an `$in`.
   */
  private async chunks(ids: string[]) {
    const found = await Promise.all(ids.map((id) => this.models.ImportChunk.findById(id).lean()));
    return found.filter((c) => c !== null);
  }

  private async plan(ctx: Ctx, job: Job, rows: ImportInputRow[], duplicates: ReturnType<typeof fileDuplicates>): Promise<RowPlan[]> {
    const quality = job.quality as QualityType;
    const read = rows.map((r) => readRow(r, quality));
    const valid = read.filter((r): r is { row: number; body: Parameters<typeof planRow>[0]['body'] } => 'body' in r);
    const lookup = valid.length
      ? await call(ctx, 'identity.lookupForImport', {
          nisses: [...new Set(valid.map((r) => r.body.niss))],
          usernames: [...new Set(valid.flatMap((r) => (r.body.username ? [r.body.username] : [])))],
        })
      : { persons: [], usernamesTaken: [] };
    const facts = { enterpriseNumber: job.enterpriseNumber, quality, actor: (job.principal as Principal).role, duplicates, lookup };
    return read.map((r) => ('body' in r ? planRow(r, facts) : r));
  }

  private async apply(ctx: Ctx, job: Job, quality: QualityType, plans: RowPlan[]): Promise<ImportReportItem[]> {
    // A user role without its membership is what an interrupted run leaves: completed like a new row.
    const unchanged = plans.filter((p): p is ImportReportItem & { personId: string } => !isPlanned(p) && p.status === 'unchanged' && p.personId !== undefined);
    // The projection answers without a query; the store confirms the few it lacks (normally none).
    const lacking = unchanged
      .map((p) => ({ personId: p.personId, id: membershipId({ enterpriseNumber: job.enterpriseNumber, quality, personId: p.personId }) }))
      .filter(({ personId, id }) => !this.sync.projection.membershipsOf(personId).some((m) => m._id === id))
      .map(({ id }) => id);
    const confirmed = await Promise.all(lacking.map((id) => this.models.Membership.exists({ _id: id })));
    const missing = new Set(lacking.filter((_, i) => !confirmed[i]));
    const repair = new Set<number>();
    const todo = plans.flatMap((p, i) => {
      if (isPlanned(p)) return [i];
      if (p.status === 'unchanged' && p.personId && missing.has(membershipId({ enterpriseNumber: job.enterpriseNumber, quality, personId: p.personId }))) {
        repair.add(i);
        return [i];
      }
      return [];
    });
    const bodies = await this.bodiesOf(job, quality, todo.filter((i) => repair.has(i)).map((i) => plans[i]!.row));
    const registrations = todo.map((i) => {
      const plan = plans[i]!;
      const body = isPlanned(plan) ? plan.body : bodies.get(plan.row)!;
      return { enterpriseNumber: job.enterpriseNumber, type: quality, body, withoutPassword: true };
    });
    const outcomes = await registerUsers(this.models, this.sync, ctx, registrations);
    const results: ImportReportItem[] = plans.map((p) => (isPlanned(p) ? { row: p.row, status: p.status } : p));
    todo.forEach((i, k) => {
      const outcome = outcomes[k]!;
      const row = plans[i]!.row;
      if ('problem' in outcome) {
        const { code, message, errors } = outcome.problem;
        results[i] = { row, status: 'error', code, detail: message, ...(errors?.length ? { errors } : {}) };
      } else results[i] = { row, status: outcome.created ? 'created' : 'reused', personId: outcome.personId };
    });
    return results;
  }

  /** The rows' bodies, read again from the stored chunk (the few rows an interrupted run left half-done). */
  private async bodiesOf(job: Job, quality: QualityType, rows: number[]): Promise<Map<number, ImportRow>> {
    const bodies = new Map<number, ImportRow>();
    if (rows.length === 0) return bodies;
    const chunks = await this.chunks([...new Set(rows.map((r) => chunkId(String(job._id), Math.floor((r - 1) / IMPORT_CHUNK_ROWS))))]);
    for (const input of chunks.flatMap((c) => c.rows as ImportInputRow[])) {
      if (!rows.includes(input.row)) continue;
      const read = readRow(input, quality);
      if ('body' in read) bodies.set(read.row, read.body);
    }
    return bodies;
  }

  actions(): Record<string, ActionSchema> {
    const models = this.models;
    /** The job, only for whoever created it through the same scope (else 404, revealing nothing). */
    const ownJob = async (ctx: Context<unknown, CallMeta>, scope: { enterpriseNumber: string; type: QualityType; importId: string }): Promise<Job> => {
      const job = (await models.ImportJob.findById(scope.importId).lean()) as Job | null;
      if (!job || job.enterpriseNumber !== scope.enterpriseNumber || job.quality !== scope.type) throw notFound('import');
      if ((job.principal as Principal).personId !== ctx.meta.principal?.personId) throw notFound('import');
      return job;
    };
    return {
      ...defineAction('user-management.importCreate', async ({ enterpriseNumber, type, dryRun, total }, ctx) => {
        if (!(await this.sync.qualityActive(ctx, enterpriseNumber, type))) throw notFound('quality');
        const principal = ctx.meta.principal!;
        const importId = new Types.ObjectId().toHexString();
        await models.ImportJob.create({
          _id: importId,
          enterpriseNumber,
          quality: type,
          dryRun,
          status: 'receiving',
          total,
          chunks: Math.ceil(total / IMPORT_CHUNK_ROWS),
          counts: emptyCounts(total),
          principal: { personId: principal.personId, sessionId: principal.sessionId, ...(principal.role ? { role: principal.role } : {}), ...(principal.language ? { language: principal.language } : {}) },
        });
        return { importId };
      }),

      ...defineAction('user-management.importAppend', async ({ enterpriseNumber, type, importId, chunk, rows }, ctx) => {
        ensureAllowed(ctx, 'users.manage', { enterpriseNumber, quality: type });
        const job = await ownJob(ctx, { enterpriseNumber, type, importId });
        if (job.status !== 'receiving' || chunk >= job.chunks) throw new ClientProblem('CONFLICT', 'this import does not take rows any more');
        await models.ImportChunk.updateOne({ _id: chunkId(importId, chunk) }, { $set: { importId, rows } }, { upsert: true });
        await models.ImportJob.updateOne({ _id: importId }, { $addToSet: { received: chunk }, $set: { updatedAt: new Date() } });
        return null;
      }),

      ...defineAction('user-management.importStart', async ({ enterpriseNumber, type, importId }, ctx) => {
        ensureAllowed(ctx, 'users.manage', { enterpriseNumber, quality: type });
        const job = await ownJob(ctx, { enterpriseNumber, type, importId });
        if (job.status === 'receiving') {
          const received = (job.received ?? []).length;
          if (received !== job.chunks) throw new ClientProblem('CONFLICT', `${job.chunks - received} chunk(s) of rows are missing`);
          await models.ImportJob.updateOne({ _id: importId, status: 'receiving' }, { $set: { status: 'running' } });
        }
        this.launch(ctx.broker, importId);
        return view((await models.ImportJob.findById(importId).lean()) as Job);
      }),

      ...defineAction('user-management.importGet', async ({ enterpriseNumber, type, importId, query }, ctx) => {
        const job = await ownJob(ctx, { enterpriseNumber, type, importId });
        if (job.status !== 'finished') return view(job);
        const first = (query.page - 1) * query.pageSize;
        const last = Math.min(first + query.pageSize, job.total);
        const ids = [];
        for (let c = Math.floor(first / IMPORT_CHUNK_ROWS); c * IMPORT_CHUNK_ROWS < last; c++) ids.push(chunkId(importId, c));
        const chunks = await this.chunks(ids);
        const items = chunks
          .flatMap((c) => (c.results as ImportReportItem[] | undefined) ?? [])
          .sort((a, b) => a.row - b.row)
          .filter((r) => r.row > first && r.row <= last);
        return { ...view(job), report: { items, page: query.page, pageSize: query.pageSize, total: job.total } };
      }),
    };
  }
}

function view(job: Job): ImportJobView {
  return {
    importId: String(job._id),
    enterpriseNumber: job.enterpriseNumber,
    quality: job.quality as QualityType,
    dryRun: job.dryRun,
    status: job.status as ImportJobView['status'],
    counts: job.counts as ImportCounts,
    createdAt: job.createdAt.toISOString(),
    ...(job.finishedAt ? { finishedAt: job.finishedAt.toISOString() } : {}),
  };
}
