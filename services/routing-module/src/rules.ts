/** Pure routing rules: which mandates count today, and the state a rule is in. */
import type { Mandate, RuleState } from '@um/contracts';

/** Today as an ISO date (UTC), the unit mandates are expressed in. */
export function isoToday(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** A mandate covers a declaration type today when it names it and today lies in [validFrom, validTo]. */
export function mandateCovers(mandate: Pick<Mandate, 'declarationTypes' | 'validFrom' | 'validTo'>, declarationType: string, today: string): boolean {
  return (
    (mandate.declarationTypes as readonly string[]).includes(declarationType) &&
    mandate.validFrom <= today &&
    (mandate.validTo === undefined || today <= mandate.validTo)
  );
}

export interface RuleFacts {
  /** The rule's enterprise (a recipient equal to it needs no mandate). */
  enterpriseNumber: string;
  recipient: string;
  channel: string;
  declarationType: string;
  /** Mandates the enterprise gave the recipient (ignored when the recipient is the enterprise). */
  mandates: Array<Pick<Mandate, 'declarationTypes' | 'validFrom' | 'validTo'>>;
  /** Whether `channel` is still one of the recipient's registered channels (`ebox` always is). */
  channelActive: boolean;
  today: string;
}

/**
 * A deleted channel stops a rule until its recipient chooses another; a mandate that no longer
 * covers the type stops it until a covering one exists (or the recipient changes).
 */
export function ruleState(facts: RuleFacts): Exclude<RuleState, 'unset'> {
  if (facts.channel !== 'ebox' && !facts.channelActive) return 'channel-deleted';
  if (facts.recipient !== facts.enterpriseNumber && !facts.mandates.some((m) => mandateCovers(m, facts.declarationType, facts.today))) {
    return 'mandate-ended';
  }
  return 'active';
}
