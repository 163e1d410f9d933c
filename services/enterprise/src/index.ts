import { runService } from '@um/platform';
import { buildEnterpriseService } from './enterprise.service.js';

runService({ name: 'enterprise', build: buildEnterpriseService }).catch((err: unknown) => {
  process.stderr.write(`enterprise failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
