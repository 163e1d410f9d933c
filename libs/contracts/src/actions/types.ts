import { z } from 'zod';
import type { CapabilityName } from '@um/domain';

export interface ActionContract {
  params: z.ZodType;
  result: z.ZodType;
  /** Safe to retry on another instance after a timeout or a lost node. */
  idempotent: boolean;
  /**
   * What the caller's chosen role must be allowed (libs/domain CAPABILITIES), on the enterprise and
   * quality named by the params' `enterpriseNumber` and `type`. `defineAction` checks it before
   * anything else; the HTTP route table renders it.
   */
  capability?: CapabilityName;
  /** The handler decides with the capability itself (a rule beyond the table's, e.g. the recipient's managers). */
  capabilityCheckedByHandler?: true;
  /** The action acts on `params.personId` and nobody may do it to themselves through a manager route. */
  notOnSelf?: true;
}

export const NoParams = z.strictObject({});
export const Void = z.null();
