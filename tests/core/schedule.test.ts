import { describe, expect, it } from 'vitest';
import { lastSlot, nextSlot } from '../../src/core/survey/schedule.js';
import { localToUtc } from '../../src/core/time.js';
import type { Schedule } from '../../src/core/model.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const s = (over: Partial<Schedule>): Schedule => ({ cadence: 'weekly', day: 'monday', time: '09:00', since: '2026-01-01T00:00:00Z', ...over });

describe('schedule slots in the partnership timezone', () => {
  it('weekly Monday 09:00 London: 09:00 GMT in winter, 08:00 UTC in summer', () => {
    expect(iso(lastSlot(s({}), 'Europe/London', at('2026-03-23T12:00:00Z')))).toBe('2026-03-23T09:00:00.000Z');
    expect(iso(lastSlot(s({}), 'Europe/London', at('2026-03-30T12:00:00Z')))).toBe('2026-03-30T08:00:00.000Z');
    expect(iso(lastSlot(s({}), 'Europe/London', at('2026-10-26T09:00:00Z')))).toBe('2026-10-26T09:00:00.000Z');
  });

  it('is not due a moment before the slot', () => {
    expect(iso(lastSlot(s({}), 'Europe/London', at('2026-03-30T07:59:59Z')))).toBe('2026-03-23T09:00:00.000Z');
  });

  it('a time skipped by the spring change happens an hour later, not never', () => {
    expect(localToUtc({ y: 2026, m: 3, d: 29 }, '01:30', 'Europe/London')).toBe(at('2026-03-29T01:30:00Z'));
    expect(iso(lastSlot(s({ day: 'sunday', time: '01:30' }), 'Europe/London', at('2026-03-29T12:00:00Z')))).toBe('2026-03-29T01:30:00.000Z');
  });

  it('a time repeated by the autumn change happens once', () => {
    const slot = lastSlot(s({ day: 'sunday', time: '01:30' }), 'Europe/London', at('2026-10-25T12:00:00Z'));
    expect(iso(slot)).toBe('2026-10-25T01:30:00.000Z');
    expect(iso(nextSlot(s({ day: 'sunday', time: '01:30' }), 'Europe/London', at('2026-10-25T00:31:00Z')))).toBe('2026-10-25T01:30:00.000Z');
  });

  it('fortnightly counts fortnights from the first slot after it was set', () => {
    const f = s({ cadence: 'fortnightly', day: 'wednesday', time: '10:00', since: '2026-11-20T00:00:00Z' });
    expect(lastSlot(f, 'Europe/London', at('2026-11-24T10:00:00Z'))).toBeUndefined();
    expect(iso(lastSlot(f, 'Europe/London', at('2026-11-25T10:00:00Z')))).toBe('2026-11-25T10:00:00.000Z');
    expect(iso(lastSlot(f, 'Europe/London', at('2026-12-08T10:00:00Z')))).toBe('2026-11-25T10:00:00.000Z');
    expect(iso(lastSlot(f, 'Europe/London', at('2026-12-09T10:00:00Z')))).toBe('2026-12-09T10:00:00.000Z');
    expect(iso(nextSlot(f, 'Europe/London', at('2026-11-25T10:00:00Z')))).toBe('2026-12-09T10:00:00.000Z');
  });

  it('monthly on the first Tuesday, or on a day of the month', () => {
    expect(iso(lastSlot(s({ cadence: 'monthly', day: 'tuesday', time: '09:30' }), 'Europe/London', at('2026-11-23T00:00:00Z')))).toBe(
      '2026-11-03T09:30:00.000Z',
    );
    expect(iso(nextSlot(s({ cadence: 'monthly', day: 15, time: '09:30' }), 'Europe/London', at('2026-11-23T00:00:00Z')))).toBe('2026-12-15T09:30:00.000Z');
    expect(iso(lastSlot(s({ cadence: 'monthly', day: 28, time: '09:30' }), 'Europe/London', at('2027-01-05T00:00:00Z')))).toBe('2026-12-28T09:30:00.000Z');
  });

  it('works in other timezones', () => {
    expect(iso(lastSlot(s({}), 'America/New_York', at('2026-11-23T20:00:00Z')))).toBe('2026-11-23T14:00:00.000Z');
    expect(iso(lastSlot(s({}), 'Australia/Sydney', at('2026-11-23T00:00:00Z')))).toBe('2026-11-22T22:00:00.000Z');
  });

  it('never gives a slot from before the schedule was set', () => {
    expect(lastSlot(s({ since: '2026-11-23T09:00:01Z' }), 'Europe/London', at('2026-11-23T10:00:00Z'))).toBeUndefined();
  });
});
