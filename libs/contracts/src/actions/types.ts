import { z } from 'zod';

export interface ActionContract {
  params: z.ZodType;
  result: z.ZodType;
  /** Safe to retry on another instance after a timeout or a lost node. */
  idempotent: boolean;
}

export const NoParams = z.strictObject({});
export const Void = z.null();
