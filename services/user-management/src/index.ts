import { runService } from '@um/platform';

// Health only for now: the service runs as its own process, owns its database, and answers
// `user-management.health` (added by runService) so that readiness covers it.
runService({ name: 'user-management', build: () => ({ name: 'user-management' }) }).catch((err: unknown) => {
  process.stderr.write(`user-management failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
