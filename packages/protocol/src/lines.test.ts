import { describe, expect, it } from 'vitest';
import { describeIssues, eventSchemas } from './schemas';

const check = (payload: unknown) => {
  const parsed = eventSchemas['initiate-call'].safeParse(payload);
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, why: describeIssues(parsed.error) };
};

describe('initiate-call with toLine', () => {
  it('accepts a line call and a direct call', () => {
    expect(check({ toLine: 'support', metadata: { crm: 1 } })).toEqual({
      ok: true,
      data: { toLine: 'support', metadata: { crm: 1 } },
    });
    expect(check({ to: 'bob' })).toEqual({ ok: true, data: { to: 'bob' } });
  });

  it('refuses both targets, neither, and a bad line id', () => {
    expect(check({ to: 'bob', toLine: 'support' })).toEqual({
      ok: false,
      why: 'set either to or toLine, not both',
    });
    expect(check({})).toMatchObject({ ok: false, why: expect.stringMatching(/^to: /) });
    expect(check({ toLine: '' })).toMatchObject({
      ok: false,
      why: expect.stringMatching(/^toLine: /),
    });
  });
});
