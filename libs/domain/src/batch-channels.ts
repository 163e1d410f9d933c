/**
 * Who may delete a batch channel (PRODUCT.md §7.1). A channel belongs to the enterprise, but the
 * routing rules that use it belong to qualities: a local manager (or co-) may delete it only when
 * every rule still using it is of their own quality of their own enterprise, so that one quality's
 * managers cannot cut another quality's (or a mandator's) routing. The access manager and the
 * co-access-managers answer for the whole enterprise and may; the rules then become
 * `channel-deleted`. Whether the caller manages the enterprise's channels at all is the
 * `batch-channels.manage` capability, checked before this.
 */
import { isQualityBound, type RoleScope } from './permissions.js';

/** A routing rule that uses the channel: the enterprise and quality it routes for. */
export interface ChannelUse {
  enterpriseNumber: string;
  quality: string;
}

/** The uses that keep `role` from deleting the channel (empty: it may). */
export function channelUsesBlockingDeletion(role: RoleScope, uses: readonly ChannelUse[]): ChannelUse[] {
  if (!isQualityBound(role.kind)) return [];
  return uses.filter((use) => use.enterpriseNumber !== role.enterpriseNumber || use.quality !== role.quality);
}
