/** GET …/qualities/{type}/structured-messages: the quality's managers list its messages and their status. */
import type { ActionSchema } from 'moleculer';
import type { StructuredMessageView } from '@um/contracts';
import { call, defineAction, notFound } from '@um/platform';
import type { MessagingModels } from '../model.js';

export function listActions(models: MessagingModels): Record<string, ActionSchema> {
  return {
    ...defineAction('structured-messaging.list', async ({ enterpriseNumber, type, status, page, pageSize }, ctx) => {
      if (!(await call(ctx, 'quality.state', { enterpriseNumber, type })).active) throw notFound('quality');
      const filter: Record<string, unknown> = { enterpriseNumber, quality: type, ...(status ? { status } : {}) };
      const [total, docs] = await Promise.all([
        models.Message.countDocuments(filter),
        models.Message.find(filter).sort({ processedAt: -1, _id: 1 }).skip((page - 1) * pageSize).limit(pageSize).lean(),
      ]);
      const items: StructuredMessageView[] = docs.map((d) => ({
        messageId: d._id,
        status: d.status as StructuredMessageView['status'],
        ...(d.reason ? { reason: d.reason as NonNullable<StructuredMessageView['reason']> } : {}),
        ...(d.declarationType ? { declarationType: d.declarationType } : {}),
        ...(d.inboundChannel ? { inboundChannel: d.inboundChannel } : {}),
        ...(d.sender ? { sender: d.sender } : {}),
        ...(d.fileName ? { fileName: d.fileName } : {}),
        ...(typeof d.sizeBytes === 'number' ? { sizeBytes: d.sizeBytes } : {}),
        ...(d.sha256 ? { sha256: d.sha256 } : {}),
        ...(d.receivedAt ? { receivedAt: d.receivedAt } : {}),
        ...(d.recipient ? { recipient: d.recipient } : {}),
        ...(d.channel ? { channel: d.channel } : {}),
        processedAt: d.processedAt.toISOString(),
      }));
      return { items, total, page, pageSize };
    }),
  };
}
