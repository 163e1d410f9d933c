import type { ServiceSchema } from 'moleculer';
import type { BaseConfig, ServiceDeps } from '@um/platform';
import { defineEvent, initModels } from '@um/platform';
import { channelActions } from './actions/channels.js';
import { ruleActions, stateRefresher, type RuleDoc } from './actions/rules.js';
import { createModels } from './model.js';

export async function buildRoutingModuleService({ db }: ServiceDeps<BaseConfig>): Promise<ServiceSchema> {
  const models = createModels(db);
  await initModels(db, Object.values(models));
  const refreshStates = stateRefresher(models);
  return {
    name: 'routing-module',
    actions: { ...channelActions(models), ...ruleActions(models) },
    events: {
      // A mandate ended or revoked: the rules that relied on it become mandate-ended now (and are audited).
      ...defineEvent('enterprise.mandate.changed', async ({ enterpriseNumber, mandataryEnterpriseNumber }, ctx) => {
        const rules = await models.Rule.find({ enterpriseNumber, recipient: mandataryEnterpriseNumber }).lean<RuleDoc[]>();
        await refreshStates(ctx, rules);
      }),
    },
  };
}
