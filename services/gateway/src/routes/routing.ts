/** Batch channels, routing rules and structured messages (docs/product.md §3, §5). */
import type { FastifyInstance } from 'fastify';
import type { ServiceBroker } from 'moleculer';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  BatchChannelBody,
  BatchChannelList,
  ChannelBody,
  ChannelParams,
  CreateChannelResult,
  EnterpriseNumberParams,
  QualityParams,
  ReceivedRuleList,
  RecipientBody,
  RoutingParams,
  RoutingRuleList,
  RoutingRuleView,
  StructuredMessagePage,
  StructuredMessageQuery,
} from '@um/contracts';
import type { DeclarationType, QualityType } from '@um/domain';
import { bearer, forward, problems } from './common.js';

type En = { enterpriseNumber: string };
type Q = En & { type: QualityType };
type R = Q & { declarationType: DeclarationType };

export function routingRoutes(app: FastifyInstance, broker: ServiceBroker): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = { config: { auth: 'role' as const } };
  const doc = (summary: string, tags: string[]) => ({ summary, tags, security: bearer });

  const channels = '/enterprises/:enterpriseNumber/batch-channels';
  const channelTags = ['batch-channels'];
  r.get(channels, {
    ...base,
    schema: { ...doc('The senders directory: the eBox (always there) and the registered batch channels', channelTags), params: EnterpriseNumberParams, response: { 200: BatchChannelList, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'routing-module.listChannels', (req) => req.params as En));

  r.post(channels, {
    ...base,
    schema: {
      ...doc('Register a batch channel: ftp {host, port?, directory?}, mqlink {queueManager, queue} or isabel {mailbox}', channelTags),
      params: EnterpriseNumberParams,
      body: BatchChannelBody,
      response: { 201: CreateChannelResult, ...problems(400, 401, 403, 404, 503) },
    },
  }, forward(broker, 'routing-module.createChannel', (req) => ({ ...(req.params as En), body: req.body as z.input<typeof BatchChannelBody> }), 201));

  r.delete(`${channels}/:channelId`, {
    ...base,
    schema: { ...doc('Delete a batch channel (not the eBox); the routing rules using it are marked channel-deleted', channelTags), params: ChannelParams, response: { 204: z.null(), ...problems(400, 401, 403, 404, 409, 503) } },
  }, forward(broker, 'routing-module.deleteChannel', (req) => req.params as z.input<typeof ChannelParams>, 204));

  const routing = '/enterprises/:enterpriseNumber/qualities/:type/routing';
  const routingTags = ['routing'];
  r.get(routing, {
    ...base,
    schema: { ...doc('Routing rules of the quality: per declaration type, recipient, channel and state', routingTags), params: QualityParams, response: { 200: RoutingRuleList, ...problems(400, 401, 403, 404, 503) } },
  }, forward(broker, 'routing-module.listRules', (req) => req.params as Q));

  r.get('/enterprises/:enterpriseNumber/routing/received', {
    ...base,
    schema: {
      ...doc("Routing rules of other enterprises that name this one as recipient (its managers choose the channel)", routingTags),
      params: EnterpriseNumberParams,
      response: { 200: ReceivedRuleList, ...problems(400, 401, 403, 404, 503) },
    },
  }, forward(broker, 'routing-module.listReceived', (req) => req.params as En));

  r.put(`${routing}/:declarationType`, {
    ...base,
    schema: {
      ...doc('Choose the recipient: the enterprise itself or a mandatary whose mandate covers the type today', routingTags),
      params: RoutingParams,
      body: RecipientBody,
      response: { 200: RoutingRuleView, ...problems(400, 401, 403, 404, 503) },
    },
  }, forward(broker, 'routing-module.setRecipient', (req) => ({ ...(req.params as R), body: req.body as z.input<typeof RecipientBody> })));

  r.put(`${routing}/:declarationType/channel`, {
    ...base,
    schema: {
      ...doc("Choose the channel (by the recipient's managers): ebox or one of the recipient's batch channels", routingTags),
      params: RoutingParams,
      body: ChannelBody,
      response: { 200: RoutingRuleView, ...problems(400, 401, 403, 404, 409, 503) },
    },
  }, forward(broker, 'routing-module.setChannel', (req) => ({ ...(req.params as R), body: req.body as z.input<typeof ChannelBody> })));

  r.get('/enterprises/:enterpriseNumber/qualities/:type/structured-messages', {
    ...base,
    schema: {
      ...doc('Structured messages of the quality and their status (received, routed, rejected with a reason)', ['structured-messages']),
      params: QualityParams,
      querystring: StructuredMessageQuery,
      response: { 200: StructuredMessagePage, ...problems(400, 401, 403, 404, 503) },
    },
  }, forward(broker, 'structured-messaging.list', (req) => ({ ...(req.params as Q), ...(req.query as z.input<typeof StructuredMessageQuery>) })));
}
