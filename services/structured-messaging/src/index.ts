import { runService } from '@um/platform';

// Health only for now: the service runs as its own process, owns its database, and answers
// `structured-messaging.health` (added by runService) so that readiness covers it.
runService({ name: 'structured-messaging', build: () => ({ name: 'structured-messaging' }) }).catch((err: unknown) => {
  process.stderr.write(`structured-messaging failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
