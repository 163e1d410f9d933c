/** routing-module: batch channels (senders directory) and routing rules. */
import { z } from 'zod';
import { EnterpriseNumberParams, HealthResult } from '../schemas.js';
import { QualityParams } from '../schemas/management.js';
import {
  BatchChannelBody,
  BatchChannelList,
  ChannelBody,
  ChannelParams,
  CreateChannelResult,
  ReceivedRuleList,
  RecipientBody,
  RoutingParams,
  RoutingRuleList,
  RoutingRuleView,
  RoutingSnapshot,
} from '../schemas/routing.js';
import { EnterpriseNumber } from '../fields.js';
import { NoParams, Void, type ActionContract } from './types.js';

export const RoutingModuleActions = {
  'routing-module.health': { params: NoParams, result: HealthResult, idempotent: true },
  'routing-module.listChannels': { params: EnterpriseNumberParams, result: BatchChannelList, idempotent: true },
  'routing-module.createChannel': {
    params: z.strictObject({ enterpriseNumber: EnterpriseNumber, body: BatchChannelBody }),
    result: CreateChannelResult,
    idempotent: false,
  },
  'routing-module.deleteChannel': { params: ChannelParams, result: Void, idempotent: true },
  'routing-module.listRules': { params: QualityParams, result: RoutingRuleList, idempotent: true },
  'routing-module.listReceived': { params: EnterpriseNumberParams, result: ReceivedRuleList, idempotent: true },
  'routing-module.setRecipient': { params: RoutingParams.extend({ body: RecipientBody }), result: RoutingRuleView, idempotent: true },
  'routing-module.setChannel': { params: RoutingParams.extend({ body: ChannelBody }), result: RoutingRuleView, idempotent: true },
  /** Internal (structured messaging): inbound channels of the enterprise and the quality's rules, states checked today. */
  'routing-module.snapshot': { params: QualityParams, result: RoutingSnapshot, idempotent: true },
} as const satisfies Record<string, ActionContract>;
