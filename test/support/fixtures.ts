/** Valid identifiers and bodies for tests, built with the domain's own generators. */
import { enterpriseNumberFromBase, nissFrom } from '@um/domain';

let sequence = Math.floor(Math.random() * 1_000_000);

export function uniqueEnterpriseNumber(): string {
  sequence += 1;
  return enterpriseNumberFromBase(10_000_000 + (sequence % 9_000_000));
}

export function uniqueNiss(): string {
  sequence += 1;
  const day = String(1 + (sequence % 28)).padStart(2, '0');
  const month = String(1 + (Math.floor(sequence / 28) % 12)).padStart(2, '0');
  const year = String(50 + (Math.floor(sequence / 336) % 49)).padStart(2, '0');
  return nissFrom(`${year}${month}${day}`, sequence % 997);
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
