import { IdentityConfig, runService } from '@um/platform';
import { buildIdentityService } from './identity.service.js';

runService({ name: 'identity', configSchema: IdentityConfig, build: buildIdentityService }).catch((err: unknown) => {
  process.stderr.write(`identity failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
