/**
 * The senders directory: the batch channels an enterprise registers (`ftp`, `mqlink`, `isabel`),
 * besides its `ebox`, which always exists and cannot be deleted. Any manager of the enterprise;
 * a local manager deletes only a channel no other quality's rule uses (libs/domain batch-channels.ts).
 */
import { Types } from 'mongoose';
import type { ActionSchema } from 'moleculer';
import type { BatchChannelView } from '@um/contracts';
import { channelUsesBlockingDeletion } from '@um/domain';
import { ClientProblem, defineAction, notFound, requireRole, recordAudit } from '@um/platform';
import type { RoutingModels } from '../model.js';

export const EBOX: BatchChannelView = { channelId: 'ebox', type: 'ebox', name: 'eBox', parameters: {} };

function view(doc: { _id: unknown; type: string; name: string; parameters?: unknown; createdAt?: Date }): BatchChannelView {
  return {
    channelId: String(doc._id),
    type: doc.type as BatchChannelView['type'],
    name: doc.name,
    parameters: (doc.parameters ?? {}) as Record<string, unknown>,
    ...(doc.createdAt ? { createdAt: doc.createdAt.toISOString() } : {}),
  };
}

const usedByOtherQuality = () =>
  new ClientProblem('CHANNEL_USED_BY_OTHER_QUALITY', 'routing rules of another quality use this channel: the access manager or a co-access-manager may delete it');

export function channelActions(models: RoutingModels): Record<string, ActionSchema> {
  return {
    ...defineAction('routing-module.listChannels', async ({ enterpriseNumber }) => {
      const channels = await models.Channel.find({ enterpriseNumber, status: 'active' }).sort({ createdAt: 1, _id: 1 }).lean();
      return { items: [EBOX, ...channels.map(view)] };
    }),

    ...defineAction('routing-module.createChannel', async ({ enterpriseNumber, body }, ctx) => {
      const created = await models.Channel.create({ enterpriseNumber, type: body.type, name: body.name, parameters: body.parameters, status: 'active' });
      const channel = view(created.toObject());
      await recordAudit(ctx, { enterpriseNumber, action: 'batch-channel.created', target: { type: 'batch-channel', id: channel.channelId }, after: channel });
      return { channelId: channel.channelId };
    }),

    ...defineAction('routing-module.deleteChannel', async ({ enterpriseNumber, channelId }, ctx) => {
      const { role } = requireRole(ctx);
      if (channelId === 'ebox') throw new ClientProblem('CHANNEL_NOT_DELETABLE', 'the eBox always exists and cannot be deleted');
      const existing = await models.Channel.findOne({ _id: new Types.ObjectId(channelId), enterpriseNumber, status: 'active' }).lean();
      if (!existing) throw notFound('batch channel');
      // The rules that route to it: this enterprise's own, or those of enterprises it is the mandatary of.
      const using = await models.Rule.find({ recipient: enterpriseNumber, channel: channelId, state: { $ne: 'channel-deleted' } }).lean();
      if (channelUsesBlockingDeletion(role, using).length > 0) throw usedByOtherQuality();
      const marked = await models.Channel.updateOne({ _id: existing._id, status: 'active' }, { $set: { status: 'deleted', deletedAt: new Date() } });
      if (marked.modifiedCount === 0) throw notFound('batch channel'); // deleted meanwhile by another request
      // A rule may have taken the channel between the check and the mark (setChannel writes, then
      // reads the channel; this marks, then reads the rules): whichever comes second sees the other.
      const affected = await models.Rule.find({ recipient: enterpriseNumber, channel: channelId, state: { $ne: 'channel-deleted' } }).lean();
      if (channelUsesBlockingDeletion(role, affected).length > 0) {
        await models.Channel.updateOne({ _id: existing._id, status: 'deleted' }, { $set: { status: 'active' }, $unset: { deletedAt: 1 } });
        throw usedByOtherQuality();
      }
      await recordAudit(ctx, { enterpriseNumber, action: 'batch-channel.deleted', target: { type: 'batch-channel', id: channelId }, before: view(existing) });
      // Those rules stop, visibly.
      if (affected.length > 0) {
        await models.Rule.updateMany({ recipient: enterpriseNumber, channel: channelId }, { $set: { state: 'channel-deleted' } });
        for (const rule of affected) {
          await recordAudit(ctx, {
            enterpriseNumber: rule.enterpriseNumber,
            quality: rule.quality,
            action: 'routing-rule.channel-deleted',
            target: { type: 'routing-rule', id: rule.declarationType },
            before: { recipient: rule.recipient, channel: rule.channel, state: rule.state },
            after: { recipient: rule.recipient, channel: rule.channel, state: 'channel-deleted' },
          });
        }
      }
      return null;
    }),
  };
}
