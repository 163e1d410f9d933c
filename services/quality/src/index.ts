import { runService } from '@um/platform';
import { buildQualityService } from './quality.service.js';

runService({ name: 'quality', build: buildQualityService }).catch((err: unknown) => {
  process.stderr.write(`quality failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
