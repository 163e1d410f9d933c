/** identity: internal look-ups for other services (structured messaging authenticates a sender by username). */
import { z } from 'zod';
import type { ActionContract } from './types.js';

export const IdentityLookupActions = {
  /** Internal: the person and account status behind a username; null when no account has it. */
  'identity.findAccount': {
    params: z.strictObject({ username: z.string().min(1).max(64) }),
    result: z.object({ personId: z.string(), status: z.enum(['active', 'blocked', 'deleted']) }).nullable(),
    idempotent: true,
  },
} as const satisfies Record<string, ActionContract>;
