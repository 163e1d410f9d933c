/**
 * An enterprise's webhooks, managed by its RAE and co-RAEs (capability `webhooks.manage`, checked by
 * defineAction with the enterprise as target: another enterprise's manager gets 404). Every query
 * is by enterprise and id together, so a webhook id of another enterprise is not found either.
 */
import { randomBytes } from 'node:crypto';
import type { ActionSchema } from 'moleculer';
import { Types } from 'mongoose';
import type { WebhookDeliveryView, WebhookView } from '@um/contracts';
import { WEBHOOK_LIMITS, webhookUrlProblem } from '@um/domain';
import { ClientProblem, defineAction, notFound, recordAudit } from '@um/platform';
import type { EnterpriseModels } from '../model.js';

function view(doc: { _id: unknown; url: string; kinds?: string[] | null; createdAt?: Date | null }): WebhookView {
  return {
    webhookId: String(doc._id),
    url: doc.url,
    ...(doc.kinds?.length ? { kinds: doc.kinds } : {}),
    createdAt: (doc.createdAt ?? new Date(0)).toISOString(),
  };
}

export function webhookActions(models: EnterpriseModels, options: { allowLoopback: boolean }): Record<string, ActionSchema> {
  const find = async (enterpriseNumber: string, webhookId: string) => {
    const hook = await models.Webhook.findOne({ _id: new Types.ObjectId(webhookId), enterpriseNumber }).lean();
    if (!hook) throw notFound('webhook');
    return hook;
  };

  return {
    ...defineAction('enterprise.createWebhook', async ({ enterpriseNumber, body }, ctx) => {
      const problem = webhookUrlProblem(body.url, options);
      if (problem) throw new ClientProblem('WEBHOOK_URL_REFUSED', problem, { errors: [{ field: 'url', code: 'WEBHOOK_URL_REFUSED', message: problem }] });
      if ((await models.Webhook.countDocuments({ enterpriseNumber })) >= WEBHOOK_LIMITS.perEnterprise) {
        throw new ClientProblem('WEBHOOK_LIMIT_REACHED', `an enterprise holds at most ${WEBHOOK_LIMITS.perEnterprise} webhooks`);
      }
      const secret = randomBytes(32).toString('hex');
      const kinds = body.kinds ? [...new Set(body.kinds)] : undefined;
      const created = await models.Webhook.create({ enterpriseNumber, url: body.url, ...(kinds ? { kinds } : {}), secret });
      const result = view(created.toObject());
      await recordAudit(ctx, { enterpriseNumber, action: 'webhook.registered', target: { type: 'webhook', id: result.webhookId }, after: result });
      return { ...result, secret };
    }),

    ...defineAction('enterprise.listWebhooks', async ({ enterpriseNumber }) => {
      const hooks = await models.Webhook.find({ enterpriseNumber }).sort({ _id: 1 }).lean();
      return { items: hooks.map(view) };
    }),

    ...defineAction('enterprise.deleteWebhook', async ({ enterpriseNumber, webhookId }, ctx) => {
      const hook = await find(enterpriseNumber, webhookId);
      await models.Webhook.deleteOne({ _id: hook._id });
      // Nothing more is sent to it; the log of what was sent stays readable no longer (the webhook is gone).
      await models.WebhookDelivery.deleteMany({ webhookId });
      await recordAudit(ctx, { enterpriseNumber, action: 'webhook.removed', target: { type: 'webhook', id: webhookId }, before: view(hook) });
      return null;
    }),

    ...defineAction('enterprise.listWebhookDeliveries', async ({ enterpriseNumber, webhookId, page, pageSize }) => {
      await find(enterpriseNumber, webhookId);
      const filter = { webhookId };
      const [total, docs] = await Promise.all([
        models.WebhookDelivery.countDocuments(filter),
        models.WebhookDelivery.find(filter).sort({ eventId: -1 }).skip((page - 1) * pageSize).limit(pageSize).lean(),
      ]);
      const items: WebhookDeliveryView[] = docs.map((d) => ({
        eventId: d.eventId,
        kind: d.kind,
        status: d.status,
        attempts: d.attempts,
        ...(typeof d.lastStatus === 'number' ? { lastStatus: d.lastStatus } : {}),
        ...(d.lastError ? { lastError: d.lastError } : {}),
        ...(d.lastAttemptAt ? { lastAttemptAt: d.lastAttemptAt.toISOString() } : {}),
        ...(d.status === 'pending' && d.nextAttemptAt ? { nextAttemptAt: d.nextAttemptAt.toISOString() } : {}),
        ...(d.deliveredAt ? { deliveredAt: d.deliveredAt.toISOString() } : {}),
      }));
      return { items, total, page, pageSize };
    }),
  };
}
