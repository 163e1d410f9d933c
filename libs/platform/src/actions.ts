/**
 * Typed calls and handlers over the contracts' action map. A handler's params are parsed with the
 * shared zod schema at the boundary; bad params answer a 400 problem naming each field.
 */
import type { ActionSchema, CallingOptions, Context, ServiceBroker } from 'moleculer';
import type { z } from 'zod';
import { Actions, Events, type ActionContract, type ActionName, type CallMeta, type EventName, type ParamsOf, type PayloadOf, type ResultOf } from '@um/contracts';
import { isSelf, type Target } from '@um/domain';
import { ClientProblem, fieldErrors, validationProblem } from './errors.js';
import { ensureAllowed } from './principal.js';

type Caller = Pick<ServiceBroker, 'call'> | Pick<Context, 'call'>;

/** Calls an action with typed params and result; idempotent actions are retried on another node. */
export function call<A extends ActionName>(
  caller: Caller,
  action: A,
  params: ParamsOf<A>,
  options: CallingOptions & { meta?: CallMeta } = {},
): Promise<ResultOf<A>> {
  const retries = Actions[action].idempotent ? 2 : 0;
  return (caller.call as (a: string, p: unknown, o: CallingOptions) => Promise<ResultOf<A>>)(action, params, {
    retries,
    ...options,
  });
}

type ResultOfParse<A extends ActionName> = z.output<(typeof Actions)[A]['params']>;

/** Where an action applies, from its params: `enterpriseNumber` and the quality `type`. */
function targetOf(params: Record<string, unknown>): Target {
  return {
    ...(typeof params.enterpriseNumber === 'string' ? { enterpriseNumber: params.enterpriseNumber } : {}),
    ...(typeof params.type === 'string' ? { quality: params.type } : {}),
  };
}

/**
 * Declares the handler of a contract action for a service's `actions` block:
 * `...defineAction('identity.login', async (ctx) => …)`. Before the handler runs, the caller's role
 * must hold the contract's capability on the params' enterprise and quality (authorise, then
 * validate: a refused caller learns nothing of what it sent), and a `notOnSelf` action refuses a
 * caller acting on themselves.
 */
export function defineAction<A extends ActionName>(
  action: A,
  handler: (input: ResultOfParse<A>, ctx: Context<unknown, CallMeta>) => Promise<ResultOf<A>>,
): Record<string, ActionSchema> {
  const rawName = action.slice(action.indexOf('.') + 1);
  const contract: ActionContract = Actions[action];
  const schema = contract.params;
  return {
    [rawName]: {
      async handler(ctx: Context<unknown, CallMeta>) {
        const raw = (ctx.params ?? {}) as Record<string, unknown>;
        if (contract.capability && !contract.capabilityCheckedByHandler) ensureAllowed(ctx, contract.capability, targetOf(raw));
        if (contract.notOnSelf && isSelf(ctx.meta.principal, raw.personId)) throw new ClientProblem('FORBIDDEN', 'you cannot do this to yourself');
        const parsed = schema.safeParse(raw);
        if (!parsed.success) throw validationProblem(fieldErrors(parsed.error));
        return handler(parsed.data as ResultOfParse<A>, ctx);
      },
    },
  };
}

/** Emits a domain event with a payload checked against its contract (balanced: one instance of each subscribing service gets it). */
export function emitEvent<E extends EventName>(emitter: Pick<ServiceBroker, 'emit'> | Pick<Context, 'emit'>, event: E, payload: PayloadOf<E>): Promise<void> {
  const parsed = Events[event].parse(payload);
  return (emitter.emit as (e: string, p: unknown) => Promise<void>)(event, parsed);
}

/** Broadcasts a domain event to every instance of every subscribing service (in-memory projections). */
export function broadcastEvent<E extends EventName>(broadcaster: Pick<ServiceBroker, 'broadcast'> | Pick<Context, 'broadcast'>, event: E, payload: PayloadOf<E>): Promise<void> {
  const parsed = Events[event].parse(payload);
  return (broadcaster.broadcast as (e: string, p: unknown) => Promise<void>)(event, parsed);
}

/** Declares a handler of a contract event for a service's `events` block; malformed payloads are logged and dropped. */
export function defineEvent<E extends EventName>(
  event: E,
  handler: (payload: PayloadOf<E>, ctx: Context) => Promise<void>,
): Record<string, { handler(ctx: Context): Promise<void> }> {
  return {
    [event]: {
      async handler(ctx: Context) {
        const parsed = Events[event].safeParse(ctx.params);
        if (!parsed.success) {
          ctx.broker.logger.warn({ event, issues: parsed.error.issues }, 'dropped a malformed event');
          return;
        }
        await handler(parsed.data as PayloadOf<E>, ctx);
      },
    },
  };
}
