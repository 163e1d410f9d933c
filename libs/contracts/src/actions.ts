/**
 * One map of every Moleculer action: name → params schema, result schema, and whether a retry is
 * safe. Callers (`call` in @um/platform) and handlers (`defineAction`) both read it, so they cannot
 * drift.
 */
import { z } from 'zod';
import {
  ChooseRoleBody,
  ChooseRoleResult,
  EnterpriseNumberParams,
  EnterpriseView,
  GrantRoleParams,
  GrantRoleResult,
  HealthResult,
  LoginBody,
  LoginResult,
  OnboardEnterpriseBody,
  OnboardEnterpriseResult,
  PersonContact,
  PersonIdParams,
  Principal,
  RegisterPersonParams,
  RegisterPersonResult,
} from './schemas.js';

export interface ActionContract {
  params: z.ZodType;
  result: z.ZodType;
  /** Safe to retry on another instance after a timeout or a lost node. */
  idempotent: boolean;
}

const NoParams = z.strictObject({});
const Void = z.null();

export const Actions = {
  'identity.health': { params: NoParams, result: HealthResult, idempotent: true },
  'identity.login': {
    params: LoginBody.extend({ sourceIp: z.string().max(64) }),
    result: LoginResult,
    idempotent: false,
  },
  'identity.authenticate': { params: z.strictObject({ token: z.string().max(200) }), result: Principal, idempotent: true },
  'identity.chooseRole': { params: ChooseRoleBody, result: ChooseRoleResult, idempotent: false },
  'identity.logout': { params: NoParams, result: Void, idempotent: true },
  'identity.registerPerson': { params: RegisterPersonParams, result: RegisterPersonResult, idempotent: false },
  'identity.discardPerson': { params: PersonIdParams, result: Void, idempotent: true },
  'identity.grantRole': { params: GrantRoleParams, result: GrantRoleResult, idempotent: false },
  'identity.revokeRole': { params: z.strictObject({ roleId: z.string() }), result: Void, idempotent: true },
  'identity.getContact': { params: PersonIdParams, result: PersonContact, idempotent: true },

  'enterprise.health': { params: NoParams, result: HealthResult, idempotent: true },
  'enterprise.onboard': { params: OnboardEnterpriseBody, result: OnboardEnterpriseResult, idempotent: false },
  'enterprise.get': { params: EnterpriseNumberParams, result: EnterpriseView, idempotent: true },

  'quality.health': { params: NoParams, result: HealthResult, idempotent: true },
  'user-management.health': { params: NoParams, result: HealthResult, idempotent: true },
  'routing-module.health': { params: NoParams, result: HealthResult, idempotent: true },
  'structured-messaging.health': { params: NoParams, result: HealthResult, idempotent: true },
} as const satisfies Record<string, ActionContract>;

export type ActionName = keyof typeof Actions;
export type ParamsOf<A extends ActionName> = z.input<(typeof Actions)[A]['params']>;
export type ResultOf<A extends ActionName> = z.output<(typeof Actions)[A]['result']>;

/** The services that make up the system, each a separate process (and Moleculer service). */
export const SERVICE_NAMES = [
  'identity',
  'enterprise',
  'quality',
  'user-management',
  'routing-module',
  'structured-messaging',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** What every call carries besides its params. */
export interface CallMeta {
  principal?: Principal;
  /** Source address of the HTTP client, for throttling and audit. */
  sourceIp?: string;
}
