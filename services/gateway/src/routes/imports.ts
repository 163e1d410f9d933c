/**
 * Bulk import of a quality's users (docs/import.md): the file is read here (import-file.ts) and its
 * rows handed to user-management in chunks; user-management checks and applies them as a job.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ImportJobView, ImportQuery, ImportReportQuery, IMPORT_REPORT_MAX_PAGE_SIZE, QualityParams, ObjectId, problemText, type ImportReportItem } from '@um/contracts';
import { IMPORT_CHUNK_ROWS, IMPORT_COLUMNS, IMPORT_MAX_ROWS, type QualityType } from '@um/domain';
import { call } from '@um/platform';
import { callOptions } from '../plugins/auth.js';
import { languageOf, sendProblem } from '../plugins/problems.js';
import { IMPORT_MEDIA_TYPES, ImportFileError, parseImportFile, type ImportMediaType } from '../import-file.js';
import { bearer, problems } from './common.js';

/** 10,000 rows of about 400 bytes, with room: this route only (every other body keeps UM_BODY_LIMIT_BYTES). */
export const IMPORT_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
/** How long a dry run may take before the answer gives up waiting (the job still finishes; GET reads it). */
const DRY_RUN_WAIT_MS = 120_000;

type Q = { enterpriseNumber: string; type: QualityType };

const ImportParams = QualityParams.extend({ importId: ObjectId });

/** The report in the request's language, as problems are (English keeps the service's own words). */
function localized(request: FastifyRequest, items: ImportReportItem[]): ImportReportItem[] {
  const language = languageOf(request);
  if (language === 'en') return items;
  return items.map((item) =>
    item.code
      ? {
          ...item,
          detail: problemText(language, item.code).message,
          ...(item.errors ? { errors: item.errors.map((e) => ({ ...e, message: problemText(language, e.code).message })) } : {}),
        }
      : item,
  );
}

export function importRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const users = '/enterprises/:enterpriseNumber/qualities/:type/users';
  const location = (q: Q, importId: string) => `/api/v1/enterprises/${q.enterpriseNumber}/qualities/${q.type}/users/imports/${importId}`;

  void app.register(async (scope) => {
    scope.addContentTypeParser([...IMPORT_MEDIA_TYPES], { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));
    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.post(`${users}/import`, {
      config: { auth: 'role' as const },
      bodyLimit: IMPORT_BODY_LIMIT_BYTES,
      schema: {
        summary: 'Import users from a file (CSV or JSON lines); `dryRun=true` checks every row and writes nothing',
        description:
          `Body: \`text/csv\` (UTF-8, header \`${IMPORT_COLUMNS.join(';')}\`, \`;\` or \`,\`, applications separated by \`|\`) or ` +
          `\`application/x-ndjson\` (one object per line, the same fields, applications as an array); at most ${IMPORT_MAX_ROWS} rows. ` +
          'Each row is registered as by POST …/users, without a password: a new person must have it reset (or log in with eID). ' +
          'A dry run answers 200 with the report of every row; otherwise 202 and the job (GET …/users/imports/{importId}).',
        tags: ['users'],
        security: bearer,
        params: QualityParams,
        querystring: ImportQuery,
        // Any media type reaches the handler, which answers 415 for all but the two it reads.
        body: z.any().meta({ description: 'the file: CSV or JSON lines' }),
        response: { 200: ImportJobView, 202: ImportJobView, ...problems(400, 401, 403, 404, 409, 503) },
      },
    }, async (request, reply) => {
      const params = request.params as Q;
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(IMPORT_MEDIA_TYPES as readonly string[]).includes(mediaType) || typeof request.body !== 'string') {
        return sendProblem(request, reply, 'UNSUPPORTED_MEDIA_TYPE', `send the file as ${IMPORT_MEDIA_TYPES.join(' or ')}`);
      }
      const { dryRun } = request.query as { dryRun: boolean };
      const options = callOptions(request);
      let rows;
      try {
        rows = parseImportFile(request.body, mediaType as ImportMediaType);
      } catch (err) {
        if (err instanceof ImportFileError) return sendProblem(request, reply, 'VALIDATION_FAILED', err.message, { errors: err.errors });
        throw err;
      }
      // user-management checks the caller's right (users.manage of this quality) and that the quality is active.
      const { importId } = await call(broker, 'user-management.importCreate', { ...params, dryRun, total: rows.length }, options);
      for (let chunk = 0; chunk * IMPORT_CHUNK_ROWS < rows.length; chunk++) {
        await call(broker, 'user-management.importAppend', { ...params, importId, chunk, rows: rows.slice(chunk * IMPORT_CHUNK_ROWS, (chunk + 1) * IMPORT_CHUNK_ROWS) }, options);
      }
      const started = await call(broker, 'user-management.importStart', { ...params, importId }, options);
      reply.header('location', location(params, importId));
      if (!dryRun) return reply.code(202).send(started);
      const deadline = Date.now() + DRY_RUN_WAIT_MS;
      let job = started;
      while (job.status !== 'finished' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        job = await call(broker, 'user-management.importGet', { ...params, importId, query: { page: 1, pageSize: IMPORT_REPORT_MAX_PAGE_SIZE } }, options);
      }
      if (job.status !== 'finished') return reply.code(202).send(job);
      const items: ImportReportItem[] = [...(job.report?.items ?? [])];
      for (let page = 2; (page - 1) * IMPORT_REPORT_MAX_PAGE_SIZE < job.counts.total; page++) {
        const next = await call(broker, 'user-management.importGet', { ...params, importId, query: { page, pageSize: IMPORT_REPORT_MAX_PAGE_SIZE } }, options);
        items.push(...(next.report?.items ?? []));
      }
      return reply.code(200).send({ ...job, report: { items: localized(request, items), page: 1, pageSize: items.length, total: job.counts.total } });
    });
  });

  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(`${users}/imports/:importId`, {
    config: { auth: 'role' as const },
    schema: {
      summary: 'An import job: status, counts and, once finished, a page of its per-row report',
      tags: ['users'],
      security: bearer,
      params: ImportParams,
      querystring: ImportReportQuery,
      response: { 200: ImportJobView, ...problems(400, 401, 403, 404, 503) },
    },
  }, async (request) => {
    const { importId, ...params } = request.params as Q & { importId: string };
    const job = await call(broker, 'user-management.importGet', { ...params, importId, query: request.query as z.input<typeof ImportReportQuery> }, callOptions(request));
    return job.report ? { ...job, report: { ...job.report, items: localized(request, job.report.items) } } : job;
  });
}
