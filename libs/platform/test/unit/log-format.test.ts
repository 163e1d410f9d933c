import { formatLogLine, wantsPretty } from '../../src/log-format';

describe('formatLogLine', () => {
  const line = JSON.stringify({ level: 30, time: '2026-12-01T12:04:05.123Z', service: 'identity', pid: 1, msg: 'service started', nodeID: 'identity-x-1', traceId: 'abc' });

  test('when a JSON line is formatted without colour, then it reads time, level, service, message and the other fields', () => {
    expect(formatLogLine(line, false)).toBe('12:04:05.123 INFO  identity         service started  nodeID=identity-x-1 traceId=abc');
  });

  test('when coloured, then the level is tinted and the text is the same', () => {
    const coloured = formatLogLine(line, true);
    expect(coloured).toContain('\x1b[32mINFO \x1b[0m');
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(formatLogLine(line, false));
  });

  test('when an error is logged, then its stack follows on the next line', () => {
    const out = formatLogLine(JSON.stringify({ level: 50, time: '2026-12-01T12:04:05.123Z', service: 'gateway', msg: 'boom', err: { message: 'bad', stack: 'Error: bad\n at x' } }), false);
    expect(out).toBe('12:04:05.123 ERROR gateway          boom\n    Error: bad\n at x');
  });

  test('when a line is not JSON, then it is returned as it is', () => {
    expect(formatLogLine('plain text', true)).toBe('plain text');
    expect(formatLogLine('{not json', true)).toBe('{not json');
  });

  test('when the format is auto, then a terminal gets readable lines and anything else JSON', () => {
    expect(wantsPretty('auto', { isTTY: true })).toBe(true);
    expect(wantsPretty('auto', { isTTY: false })).toBe(false);
    expect(wantsPretty('json', { isTTY: true })).toBe(false);
    expect(wantsPretty('pretty', {})).toBe(true);
  });
});
