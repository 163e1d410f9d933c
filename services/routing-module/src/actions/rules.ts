/**
 * Routing rules per enterprise × quality × declaration type. The quality's managers choose the
 * recipient (the enterprise itself or a mandatary with a mandate covering the type today); the
 * recipient's managers choose the channel (`ebox` or one of the recipient's own channels).
 */
import { Types } from 'mongoose';
import type { ActionSchema, Context } from 'moleculer';
import { DECLARATION_TYPES, authorize, type DeclarationType, type QualityType } from '@um/domain';
import type { CallMeta, Mandate, RoutingRuleView, RuleState } from '@um/contracts';
import { ClientProblem, call, defineAction, ensureAllowed, notFound, recordAudit, requireRole } from '@um/platform';
import type { RoutingModels } from '../model.js';
import { isoToday, mandateCovers, ruleState } from '../rules.js';

type Ctx = Context<unknown, CallMeta>;

export interface RuleDoc {
  _id: unknown;
  enterpriseNumber: string;
  quality: string;
  declarationType: string;
  recipient: string;
  channel: string;
  state: string;
  updatedAt?: Date;
}

function view(rule: RuleDoc): RoutingRuleView {
  return {
    declarationType: rule.declarationType as DeclarationType,
    recipient: rule.recipient,
    channel: rule.channel,
    state: rule.state as RoutingRuleView['state'],
    ...(rule.updatedAt ? { updatedAt: rule.updatedAt.toISOString() } : {}),
  };
}

/**
 * The state of each rule as of today (mandates from the enterprise service, channels from this
 * store). A rule whose state changed is marked, and the mark is audited.
 */
export function stateRefresher(models: RoutingModels) {
  return async (ctx: Ctx, rules: RuleDoc[]): Promise<RuleDoc[]> => {
    const today = isoToday();
    const mandataries = [...new Set(rules.filter((r) => r.recipient !== r.enterpriseNumber).map((r) => `${r.enterpriseNumber}>${r.recipient}`))];
    const mandates = new Map<string, Mandate[]>();
    await Promise.all(
      mandataries.map(async (key) => {
        const [enterpriseNumber, mandataryEnterpriseNumber] = key.split('>') as [string, string];
        mandates.set(key, await call(ctx, 'enterprise.findMandates', { enterpriseNumber, mandataryEnterpriseNumber }));
      }),
    );
    const channelIds = [...new Set(rules.map((r) => r.channel).filter((c) => c !== 'ebox' && Types.ObjectId.isValid(c)))];
    const active = channelIds.length
      ? await models.Channel.find({ _id: { $in: channelIds.map((id) => new Types.ObjectId(id)) }, status: 'active' }, { _id: 1, enterpriseNumber: 1 }).lean()
      : [];
    const activeChannels = new Set(active.map((c) => `${c.enterpriseNumber}/${String(c._id)}`));
    const out: RuleDoc[] = [];
    for (const rule of rules) {
      const state = ruleState({
        enterpriseNumber: rule.enterpriseNumber,
        recipient: rule.recipient,
        channel: rule.channel,
        declarationType: rule.declarationType,
        mandates: mandates.get(`${rule.enterpriseNumber}>${rule.recipient}`) ?? [],
        channelActive: activeChannels.has(`${rule.recipient}/${rule.channel}`),
        today,
      });
      // Only the writer that moves the stored state records it (two readers refreshing at once audit it once).
      if (state !== rule.state && (await models.Rule.updateOne({ _id: rule._id, state: rule.state as Exclude<RuleState, 'unset'> }, { $set: { state } })).modifiedCount > 0) {
        await recordAudit(ctx, {
          enterpriseNumber: rule.enterpriseNumber,
          quality: rule.quality as QualityType,
          action: `routing-rule.${state === 'active' ? 'reactivated' : state}`,
          target: { type: 'routing-rule', id: rule.declarationType },
          before: { state: rule.state },
          after: { state },
        });
      }
      out.push({ ...rule, state });
    }
    return out;
  };
}

export function ruleActions(models: RoutingModels): Record<string, ActionSchema> {
  const requireActiveQuality = async (ctx: Ctx, enterpriseNumber: string, type: QualityType) => {
    const state = await call(ctx, 'quality.state', { enterpriseNumber, type });
    if (!state.active) throw notFound('quality');
  };

  const refreshStates = stateRefresher(models);

  const listViews = (rules: RuleDoc[]): RoutingRuleView[] =>
    DECLARATION_TYPES.map((declarationType) => {
      const rule = rules.find((r) => r.declarationType === declarationType);
      return rule ? view(rule) : { declarationType, recipient: null, channel: null, state: 'unset' as const };
    });

  const findRule = (enterpriseNumber: string, quality: QualityType, declarationType: DeclarationType) =>
    models.Rule.findOne({ enterpriseNumber, quality, declarationType }).lean<RuleDoc>();

  return {
    ...defineAction('routing-module.listRules', async ({ enterpriseNumber, type }, ctx) => {
      await requireActiveQuality(ctx, enterpriseNumber, type);
      const rules = await models.Rule.find({ enterpriseNumber, quality: type }).lean<RuleDoc[]>();
      return { enterpriseNumber, quality: type, items: listViews(await refreshStates(ctx, rules)) };
    }),

    // Manual 5.4.1: a mandatary sees the rules of the enterprises it receives for, to choose its channel.
    ...defineAction('routing-module.listReceived', async ({ enterpriseNumber }, ctx) => {
      const rules = (await models.Rule.find({ recipient: enterpriseNumber }).sort({ enterpriseNumber: 1, quality: 1, declarationType: 1 }).lean<RuleDoc[]>()).filter(
        (r) => r.enterpriseNumber !== enterpriseNumber,
      );
      const items = (await refreshStates(ctx, rules)).map((rule) => ({ ...view(rule), enterpriseNumber: rule.enterpriseNumber, quality: rule.quality as QualityType }));
      return { recipient: enterpriseNumber, items };
    }),

    ...defineAction('routing-module.setRecipient', async ({ enterpriseNumber, type, declarationType, body }, ctx) => {
      await requireActiveQuality(ctx, enterpriseNumber, type);
      const { recipient } = body;
      if (recipient !== enterpriseNumber) {
        const mandates = await call(ctx, 'enterprise.findMandates', { enterpriseNumber, mandataryEnterpriseNumber: recipient });
        if (!mandates.some((m) => mandateCovers(m, declarationType, isoToday()))) {
          const message = `${recipient} holds no mandate of ${enterpriseNumber} covering ${declarationType} today`;
          throw new ClientProblem('NO_VALID_MANDATE', message, { errors: [{ field: 'recipient', code: 'NO_VALID_MANDATE', message }] });
        }
      }
      const before = await findRule(enterpriseNumber, type, declarationType);
      // A new recipient starts on its eBox until its managers choose one of its channels.
      const channel = before && before.recipient === recipient ? before.channel : 'ebox';
      const after = await models.Rule.findOneAndUpdate(
        { enterpriseNumber, quality: type, declarationType },
        { $set: { recipient, channel, state: 'active' } },
        { upsert: true, new: true },
      ).lean<RuleDoc>();
      const [current] = await refreshStates(ctx, [after!]);
      await recordAudit(ctx, {
        enterpriseNumber,
        quality: type,
        action: 'routing-rule.recipient-set',
        target: { type: 'routing-rule', id: declarationType },
        before: before ? { recipient: before.recipient, channel: before.channel, state: before.state } : undefined,
        after: { recipient, channel, state: current!.state },
      });
      return view(current!);
    }),

    ...defineAction('routing-module.setChannel', async ({ enterpriseNumber, type, declarationType, body }, ctx) => {
      const principal = requireRole(ctx);
      const rule = await findRule(enterpriseNumber, type, declarationType);
      // Who may: the managers of the rule's RECIPIENT. When the recipient is a mandatary, the caller's
      // role lies in the mandatary enterprise, not in the enterprise of the path.
      const recipient = rule?.recipient;
      const managesRecipient = recipient !== undefined && authorize(principal.role, 'batch-channels.manage', { enterpriseNumber: recipient }) === 'allowed';
      if (recipient === enterpriseNumber) {
        ensureAllowed(ctx, 'routing.manage', { enterpriseNumber, quality: type });
      } else if (!managesRecipient) {
        // A manager of the quality sees the rule exists but is not its recipient's manager.
        ensureAllowed(ctx, 'routing.manage', { enterpriseNumber, quality: type });
        if (!rule) throw new ClientProblem('ROUTING_RULE_NOT_SET', 'choose the recipient of this declaration type first');
        throw new ClientProblem('RECIPIENT_MANAGERS_ONLY', `only the managers of the recipient ${recipient} choose its channel`);
      }
      if (!rule) throw new ClientProblem('ROUTING_RULE_NOT_SET', 'choose the recipient of this declaration type first');
      await requireActiveQuality(ctx, enterpriseNumber, type);
      const { channel } = body;
      if (channel !== 'ebox' && !(await models.Channel.exists({ _id: new Types.ObjectId(channel), enterpriseNumber: rule.recipient, status: 'active' }))) {
        const message = `the channel is not one of the recipient's (${rule.recipient}) registered channels`;
        throw new ClientProblem('CHANNEL_NOT_OWNED', message, { errors: [{ field: 'channel', code: 'CHANNEL_NOT_OWNED', message }] });
      }
      const after = await models.Rule.findOneAndUpdate({ _id: rule._id }, { $set: { channel, state: 'active' } }, { new: true }).lean<RuleDoc>();
      if (!after) throw notFound('routing rule');
      // The channel may have been deleted between the check and the write (deleteChannel marks, then
      // reads the rules; this writes, then reads the channel): the rule goes back to what it was.
      if (channel !== 'ebox' && !(await models.Channel.exists({ _id: new Types.ObjectId(channel), status: 'active' }))) {
        await models.Rule.updateOne({ _id: rule._id, channel }, { $set: { channel: rule.channel, state: rule.state } });
        const message = `the channel was deleted from the recipient's (${rule.recipient}) registered channels`;
        throw new ClientProblem('CHANNEL_NOT_OWNED', message, { errors: [{ field: 'channel', code: 'CHANNEL_NOT_OWNED', message }] });
      }
      const [current] = await refreshStates(ctx, [after]);
      const change = {
        quality: type,
        action: 'routing-rule.channel-set',
        target: { type: 'routing-rule', id: declarationType },
        before: { recipient: rule.recipient, channel: rule.channel, state: rule.state },
        after: { recipient: rule.recipient, channel, state: current!.state },
      };
      await recordAudit(ctx, { enterpriseNumber, ...change });
      // The mandatary's own trail shows what its managers did for another enterprise.
      if (rule.recipient !== enterpriseNumber) await recordAudit(ctx, { enterpriseNumber: rule.recipient, ...change, target: { type: 'routing-rule', id: `${enterpriseNumber}/${type}/${declarationType}` } });
      return view(current!);
    }),

    ...defineAction('routing-module.snapshot', async ({ enterpriseNumber, type }, ctx) => {
      const [channels, rules] = await Promise.all([
        models.Channel.find({ enterpriseNumber, status: 'active' }, { _id: 1 }).lean(),
        models.Rule.find({ enterpriseNumber, quality: type }).lean<RuleDoc[]>(),
      ]);
      return { channels: ['ebox', ...channels.map((c) => String(c._id))], rules: (await refreshStates(ctx, rules)).map(view) };
    }),
  };
}
