/** Scoring as a pure function: operators, activity counts, caps, time windows and the explanation. */
import { describe, expect, it } from 'vitest';
import { linkedActivity, matches, scoreLead, type LinkedActivity, type ScoringRule } from '../src/index.ts';

const now = new Date('2026-06-30T12:00:00Z');
let n = 0;
const rule = (r: Partial<ScoringRule>): ScoringRule => ({ id: `r${++n}`, name: `rule ${n}`, active: true, kind: 'leadField', points: 1, ...r }) as ScoringRule;

describe('matches', () => {
  it('compares text ignoring case, lists by element, money by amount', () => {
    expect(matches('IT Director', 'contains', 'director')).toBe(true);
    expect(matches('Managing DIRECTOR', 'startsWith', 'managing')).toBe(true);
    expect(matches('web', 'equals', 'WEB')).toBe(true);
    expect(matches(undefined, 'equals', 'web')).toBe(false);
    expect(matches(undefined, 'notEquals', 'web')).toBe(true);
    expect(matches('event', 'in', ['web', 'event'])).toBe(true);
    expect(matches(['a', 'b'], 'contains', 'B')).toBe(true);
    expect(matches({ amount: '1500.00', currency: 'EUR' }, 'gte', 1000)).toBe(true);
    expect(matches(50, 'gt', '100')).toBe(false);
    expect(matches('2026-05-01', 'lt', '2026-06-01')).toBe(true);
    expect(matches('', 'isSet', null)).toBe(false);
    expect(matches([], 'isNotSet', null)).toBe(true);
    expect(matches(0, 'isSet', null)).toBe(true);
  });
});

describe('scoreLead', () => {
  const call = (status: string, at = '2026-06-01T10:00:00.000Z'): LinkedActivity => ({ id: `c${++n}`, type: 'call', status, at });

  it('adds the points of each matching rule and explains them, skipping inactive rules', () => {
    const rules = [
      rule({ name: 'Has email', field: 'email', operator: 'isSet', points: 10 }),
      rule({ name: 'Web', field: 'source', operator: 'equals', value: 'web', points: 15 }),
      rule({ name: 'Director', field: 'jobTitle', operator: 'contains', value: 'director', points: 20 }),
      rule({ name: 'Off', field: 'email', operator: 'isSet', points: 99, active: false }),
      rule({ name: 'Student', field: 'jobTitle', operator: 'contains', value: 'student', points: -30 }),
    ];
    const details = scoreLead({ email: 'a@b.example', source: 'event', jobTitle: 'Director of IT' }, [], rules, now);
    expect(details).toEqual({
      total: 30,
      rules: [
        { ruleId: rules[0]!.id, rule: 'Has email', points: 10 },
        { ruleId: rules[2]!.id, rule: 'Director', points: 20 },
      ],
    });
  });

  it('counts linked activities by type, status and age, up to the cap', () => {
    const calls = rule({ name: 'Completed calls', kind: 'activity', activityType: 'call', activityStatus: 'completed', points: 5, maxPoints: 12 });
    const meeting = rule({ name: 'Recent meeting', kind: 'activity', activityType: 'meeting', withinDays: 30, points: 25, maxPoints: 25 });
    const activities = [
      call('completed'),
      call('completed'),
      call('completed'),
      call('noAnswer'),
      { id: 'm1', type: 'meeting', status: 'completed', at: '2026-05-01T10:00:00.000Z' },
      { id: 'm2', type: 'meeting', status: 'planned', at: '2026-06-20T10:00:00.000Z' },
      { id: 'm3', type: 'meeting', status: 'planned', at: '2026-07-10T10:00:00.000Z' },
    ];
    const details = scoreLead({}, activities, [calls, meeting], now);
    expect(details).toEqual({
      total: 37,
      rules: [
        { ruleId: calls.id, rule: 'Completed calls', points: 12, matches: 3 },
        { ruleId: meeting.id, rule: 'Recent meeting', points: 25, matches: 2 },
      ],
    });
    expect(scoreLead({}, [], [calls, meeting], now)).toEqual({ total: 0, rules: [] });
  });

  it("dates an activity by its type's date field", () => {
    const createdAt = new Date('2026-01-01T00:00:00Z');
    expect(linkedActivity({ id: 'c', type: 'call', createdAt, data: { calledAt: '2026-06-01T10:00:00.000Z', status: 'completed' } })).toEqual({
      id: 'c',
      type: 'call',
      status: 'completed',
      at: '2026-06-01T10:00:00.000Z',
    });
    expect(linkedActivity({ id: 't', type: 'task', createdAt, data: { dueAt: '2026-06-05T10:00:00.000Z' } }).at).toBe('2026-06-05T10:00:00.000Z');
    expect(linkedActivity({ id: 'n', type: 'note', createdAt, data: {} }).at).toBe('2026-01-01T00:00:00.000Z');
  });
});
