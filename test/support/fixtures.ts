/** Valid identifiers and bodies for tests, built with the domain's own generators. */
import { syntheticEnterpriseNumber, syntheticNiss } from '@um/domain';

let sequence = Math.floor(Math.random() * 1_000_000);

export function uniqueEnterpriseNumber(): string {
  sequence += 1;
  return syntheticEnterpriseNumber(10_000_000 + (sequence % 9_000_000));
}

export function uniqueNiss(): string {
  sequence += 1;
  return syntheticNiss(sequence);
}

export function uniqueUsername(prefix = 'user'): string {
  sequence += 1;
  return `${prefix}${sequence}${Math.floor(Math.random() * 1e6)}`.slice(0, 30);
}

export const GOOD_PASSWORD = 'Secret#2026x';

export function personBody(overrides: Record<string, unknown> = {}) {
  return {
    language: 'nl' as const,
    niss: uniqueNiss(),
    firstName: 'Ann',
    lastName: 'Peeters',
    email: 'ann.peeters@example.be',
    username: uniqueUsername('ann'),
    password: GOOD_PASSWORD,
    ...overrides,
  };
}

export function onboardingBody(overrides: Record<string, unknown> = {}, accessManager: Record<string, unknown> = {}) {
  return {
    enterpriseNumber: uniqueEnterpriseNumber(),
    name: 'Acme Belgium',
    legalForm: 'SRL',
    eligibleQualities: ['employer', 'mandatary'],
    accessManager: personBody(accessManager),
    ...overrides,
  };
}
