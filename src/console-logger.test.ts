import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleLogger } from './main.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function linesWrittenBy(run: () => void): Array<Record<string, unknown>> {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  run();
  vi.restoreAllMocks();
  return written.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the logger outside requests (mail, texts, jobs) keeps to LOG_LEVEL (N4)', () => {
  it('at warn, an info line (a mail not sent, a text sent) is not written; warnings and errors are', () => {
    const lines = linesWrittenBy(() => {
      const logger = consoleLogger('warn');
      logger.info({ requestId: 'r1', to: 'ada@example.com' }, 'mail not sent: SMTP_URL is not set');
      logger.warn({}, 'a warning');
      logger.error({ err: 'boom' }, 'mail delivery failed');
    });
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      ['warn', 'a warning'],
      ['error', 'mail delivery failed'],
    ]);
  });

  it('at info (the default), info lines are written with their fields', () => {
    const lines = linesWrittenBy(() => consoleLogger().info({ requestId: 'r2' }, 'mail sent'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'mail sent', requestId: 'r2' });
  });

  it('silent writes nothing at all', () => {
    expect(linesWrittenBy(() => consoleLogger('silent').error({}, 'mail delivery failed'))).toEqual([]);
  });
});
