import { Writable } from 'node:stream';
import { createLogger, DeferredChildLogger } from '../../src/logger.js';

/** A logger writing its lines into an array, and a spy on the children it makes. */
function recordingLogger(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ service: 'test', level }, destination);
  const child = jest.spyOn(logger, 'child');
  return { logger, lines, child };
}

describe('DeferredChildLogger', () => {
  it('makes no child while nothing is logged at an enabled level', () => {
    const { logger, lines, child } = recordingLogger('warn');
    const deferred = new DeferredChildLogger(logger, { requestId: 'req-1' });
    deferred.info('incoming request');
    deferred.debug({ password: 'secret' }, 'details');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    expect(deferred.level).toBe('warn');
    expect(deferred.isLevelEnabled('info')).toBe(false);
  });

  it('writes the lines the real child would write: its bindings, redaction included', () => {
    const { logger, lines, child } = recordingLogger('info');
    const deferred = new DeferredChildLogger(logger, { requestId: 'req-2' });
    deferred.warn({ params: { password: 'secret' } }, 'refused');
    deferred.info('done');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ service: 'test', requestId: 'req-2', msg: 'refused', params: { password: '[redacted]' } });
    expect(lines[1]).toMatchObject({ requestId: 'req-2', msg: 'done' });
  });

  it('hands its level and children over to the real child', () => {
    const { logger, lines } = recordingLogger('warn');
    const deferred = new DeferredChildLogger(logger, { requestId: 'req-3' });
    deferred.level = 'debug';
    deferred.debug('now enabled for this request only');
    deferred.child({ step: 'auth' }).info('nested');
    logger.debug('not for the parent');
    expect(lines.map((l) => [l.requestId, l.step, l.msg])).toEqual([
      ['req-3', undefined, 'now enabled for this request only'],
      ['req-3', 'auth', 'nested'],
    ]);
    expect(deferred.bindings()).toMatchObject({ requestId: 'req-3' });
  });
});
