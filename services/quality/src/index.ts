import { runService } from '@um/platform';

// Health only for now: the service runs as its own process, owns its database, and answers
// `quality.health` (added by runService) so that readiness covers it.
runService({ name: 'quality', build: () => ({ name: 'quality' }) }).catch((err: unknown) => {
  process.stderr.write(`quality failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
