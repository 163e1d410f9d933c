/**
 * Activating a quality (eligible types only, one per type, with its local manager designated in
 * the same request — a saga: nothing stays activated if a step fails), reading and editing it.
 */
import type { ActionSchema, Context } from 'moleculer';
import { z } from 'zod';
import { APPLICATIONS_BY_QUALITY, REGISTRY_IDENTIFIERS, type QualityType } from '@um/domain';
import { QualityDataSchemas, type CallMeta, type QualityView } from '@um/contracts';
import {
  ClientProblem,
  type OwnedCache,
  Saga,
  call,
  defineAction,
  designate,
  fieldErrors,
  isDuplicateKey,
  notFound,
  recordAudit,
  validationProblem,
} from '@um/platform';
import { findActiveQuality, qualityId, readQualityState, type QualityModels, type QualityState } from '../model.js';

type Ctx = Context<unknown, CallMeta>;

/** A pending quality older than this is the remains of a crashed activation and may be retaken. */
const STALE_PENDING_MS = 2 * 60_000;

export function qualityActions(models: QualityModels, states: OwnedCache<QualityState>): Record<string, ActionSchema> {
  const activeQuality = async (enterpriseNumber: string, type: QualityType) => {
    const quality = await findActiveQuality(models, enterpriseNumber, type);
    if (!quality) throw notFound('quality');
    return quality;
  };

  const view = async (ctx: Ctx, enterpriseNumber: string, type: QualityType): Promise<QualityView> => {
    const q = await activeQuality(enterpriseNumber, type);
    const ids = [q.localManagerPersonId, q.technicalUserPersonId].filter((id): id is string => Boolean(id));
    const persons = ids.length ? await call(ctx, 'identity.getPersons', { personIds: ids }) : [];
    const person = (id?: string | null) => persons.find((p) => p.personId === id) ?? null;
    return {
      enterpriseNumber,
      type,
      data: (q.data ?? {}) as Record<string, unknown>,
      ...(q.contactEmail ? { contactEmail: q.contactEmail } : {}),
      applications: [...APPLICATIONS_BY_QUALITY[type]],
      localManager: person(q.localManagerPersonId),
      technicalUser: person(q.technicalUserPersonId),
      activatedAt: (q.activatedAt ?? q.createdAt).toISOString(),
    };
  };

  const reserve = async (enterpriseNumber: string, type: QualityType, data: Record<string, unknown>): Promise<void> => {
    try {
      const contactEmail = typeof data.contactEmail === 'string' ? data.contactEmail : undefined;
      await models.Quality.create({ _id: qualityId(enterpriseNumber, type), enterpriseNumber, type, data, contactEmail, status: 'pending' });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const stale = await models.Quality.deleteOne({ _id: qualityId(enterpriseNumber, type), status: 'pending', updatedAt: { $lt: new Date(Date.now() - STALE_PENDING_MS) } });
      if (stale.deletedCount === 1) return reserve(enterpriseNumber, type, data);
      throw new ClientProblem('QUALITY_ALREADY_ACTIVE', `the quality ${type} is already active for this enterprise`, {
        errors: [{ field: 'type', code: 'QUALITY_ALREADY_ACTIVE', message: 'already active' }],
      });
    }
  };

  type Stored = NonNullable<Awaited<ReturnType<typeof findActiveQuality>>>;
  /** The whole data must still satisfy the type's schema (unknown fields, formats); then stored. */
  const saveData = async (type: QualityType, before: Stored, merged: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const parsed = (QualityDataSchemas[type] as z.ZodType).safeParse(merged);
    if (!parsed.success) throw validationProblem(fieldErrors(parsed.error, ['data']));
    const data = parsed.data as Record<string, unknown>;
    await models.Quality.updateOne(
      { _id: before._id },
      data.contactEmail ? { $set: { data, contactEmail: data.contactEmail } } : { $set: { data }, $unset: { contactEmail: 1 } },
    );
    return data;
  };

  return {
    ...defineAction('quality.list', async ({ enterpriseNumber }) => {
      const qualities = (await models.Quality.find({ enterpriseNumber, status: 'active' }).lean()).sort((a, b) => (a.activatedAt?.getTime() ?? 0) - (b.activatedAt?.getTime() ?? 0));
      return {
        items: qualities.map((q) => ({
          enterpriseNumber,
          type: q.type as QualityType,
          data: (q.data ?? {}) as Record<string, unknown>,
          ...(q.contactEmail ? { contactEmail: q.contactEmail } : {}),
          applications: [...APPLICATIONS_BY_QUALITY[q.type as QualityType]],
          activatedAt: (q.activatedAt ?? q.createdAt).toISOString(),
        })),
      };
    }),

    ...defineAction('quality.activate', async ({ enterpriseNumber, body }, ctx) => {
      const eligibility = await call(ctx, 'enterprise.eligibility', { enterpriseNumber });
      if (!eligibility.exists) throw notFound('enterprise');
      if (!eligibility.eligibleQualities.includes(body.type)) {
        throw new ClientProblem('QUALITY_NOT_ELIGIBLE', `the enterprise is not eligible for ${body.type}`, {
          errors: [{ field: 'type', code: 'QUALITY_NOT_ELIGIBLE', message: `eligible: ${eligibility.eligibleQualities.join(', ')}` }],
        });
      }
      const data = body.data as Record<string, unknown>;
      const saga = new Saga(ctx);
      const result = await saga.run(async () => {
        await reserve(enterpriseNumber, body.type, data);
        saga.onFailure('release quality', () => models.Quality.deleteOne({ _id: qualityId(enterpriseNumber, body.type), status: 'pending' }));
        const gl = await designate(ctx, saga, body.localManager, { kind: 'local-manager', enterpriseNumber, quality: body.type });
        await models.Quality.updateOne(
          { _id: qualityId(enterpriseNumber, body.type) },
          { $set: { status: 'active', activatedAt: new Date(), localManagerPersonId: gl.personId } },
        );
        await states.changed(ctx, [qualityId(enterpriseNumber, body.type)]);
        return { enterpriseNumber, type: body.type, personId: gl.personId, roleId: gl.roleId, created: gl.created };
      });
      await recordAudit(ctx, {
        enterpriseNumber,
        quality: body.type,
        action: 'quality.activated',
        target: { type: 'quality', id: body.type },
        after: { data, localManagerPersonId: result.personId },
      });
      return result;
    }),

    ...defineAction('quality.get', async ({ enterpriseNumber, type }, ctx) => {
      return view(ctx, enterpriseNumber, type);
    }),

    ...defineAction('quality.update', async ({ enterpriseNumber, type, changes }, ctx) => {
      const before = await activeQuality(enterpriseNumber, type);
      const current = (before.data ?? {}) as Record<string, unknown>;
      // Registry identifiers are the contact centre's (PATCH /admin/…/qualities/{type}); sending the
      // current value again changes nothing and is accepted.
      const touched = REGISTRY_IDENTIFIERS.filter((field) => changes.data !== undefined && field in changes.data && changes.data[field] !== current[field]);
      if (touched.length > 0) {
        throw new ClientProblem('REGISTRY_IDENTIFIER_CONTACT_CENTRE_ONLY', 'registry identifiers are changed by the contact centre only', {
          errors: touched.map((field) => ({ field: `data.${field}`, code: 'REGISTRY_IDENTIFIER_CONTACT_CENTRE_ONLY', message: 'changed by the contact centre only' })),
        });
      }
      const merged: Record<string, unknown> = { ...current, ...(changes.data ?? {}) };
      if (changes.contactEmail !== undefined) {
        if (changes.contactEmail === null) delete merged.contactEmail;
        else merged.contactEmail = changes.contactEmail;
      }
      const data = await saveData(type, before, merged);
      await recordAudit(ctx, { enterpriseNumber, quality: type, action: 'quality.updated', target: { type: 'quality', id: type }, before: before.data, after: data });
      return view(ctx, enterpriseNumber, type);
    }),

    ...defineAction('quality.updateRegistryIdentifiers', async ({ enterpriseNumber, type, changes }, ctx) => {
      const before = await activeQuality(enterpriseNumber, type);
      const data = await saveData(type, before, { ...(before.data as Record<string, unknown>), ...changes });
      await recordAudit(ctx, {
        enterpriseNumber,
        quality: type,
        action: 'quality.registry-identifiers-changed',
        target: { type: 'quality', id: type },
        before: before.data,
        after: data,
      });
      return view(ctx, enterpriseNumber, type);
    }),

    ...defineAction('quality.state', async ({ enterpriseNumber, type }) => {
      const state = await states.read(qualityId(enterpriseNumber, type), () => readQualityState(models, enterpriseNumber, type));
      return state!;
    }),
  };
}
