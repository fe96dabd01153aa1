import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../env-config';
import { isOpen, nextOpening } from './business-hours';

const base = { SYNAPSE_JWT_SECRET: 'x'.repeat(32) };
const file = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'synapse-lines-')), 'lines.json');
  writeFileSync(path, content);
  return path;
};

describe('the lines file of the standalone server', () => {
  it('reads SYNAPSE_LINES_FILE', () => {
    const path = file(JSON.stringify({ acme: { support: { members: ['alice', 'bob'] } } }));
    expect(configFromEnv({ ...base, SYNAPSE_LINES_FILE: path }).lines).toEqual({
      acme: { support: { members: ['alice', 'bob'] } },
    });
  });

  it('names the problem of a bad file', () => {
    const bad = file(JSON.stringify({ acme: { support: { strategy: 'sideways' } } }));
    expect(() => configFromEnv({ ...base, SYNAPSE_LINES_FILE: bad })).toThrow(
      new ConfigError(
        'SYNAPSE_LINES_FILE: acme.support.strategy: Invalid option: expected one of "longest-idle"|"round-robin"|"ring-all"',
      ),
    );
    expect(() => configFromEnv({ ...base, SYNAPSE_LINES_FILE: file('{') })).toThrow(
      /^SYNAPSE_LINES_FILE: /,
    );
  });
});

describe('business hours', () => {
  // 1 December 2025 is a Monday; 08:30 UTC is 09:30 in Berlin (CET).
  const monday0830utc = Date.UTC(2025, 11, 1, 8, 30);
  const hours = { timeZone: 'Europe/Berlin', days: { mon: ['09:00-12:00', '13:00-17:00'] } };

  it('compares the local time of the line’s time zone', () => {
    expect(isOpen(hours, monday0830utc)).toBe(true);
    expect(isOpen({ ...hours, timeZone: 'UTC' }, monday0830utc)).toBe(false);
    expect(isOpen(null, monday0830utc)).toBe(true);
  });

  it('says when a closed line opens next', () => {
    expect(nextOpening({ ...hours, timeZone: 'UTC' }, monday0830utc)).toEqual({
      day: 'mon',
      time: '09:00',
    });
    // 11:30 UTC is 12:30 in Berlin: the lunch break, open again at 13:00.
    expect(nextOpening(hours, Date.UTC(2025, 11, 1, 11, 30))).toEqual({
      day: 'mon',
      time: '13:00',
    });
    // After Monday's hours: next Monday.
    expect(nextOpening(hours, Date.UTC(2025, 11, 1, 20, 0))).toEqual({ day: 'mon', time: '09:00' });
  });
});
