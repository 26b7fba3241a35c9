import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addWorkingDays,
  ageOn,
  compareDates,
  dayOfWeek,
  daysBetween,
  isRealDate,
  isWorkingDay,
  monthsBetween,
  monthsInPeriod,
} from '../../shared/domain/dates.ts';
import { DEFAULT_POLICY } from '../../shared/domain/policy.ts';

const isoDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));

describe('isRealDate', () => {
  it('accepts days that exist, including 29 February of leap years', () => {
    for (const date of ['2027-03-01', '2028-02-29', '2000-02-29', '1949-12-31', '2027-12-31'])
      expect(isRealDate(date)).toBe(true);
  });

  it('refuses days that do not exist and other shapes', () => {
    for (const date of [
      '2027-02-29',
      '1900-02-29',
      '2027-04-31',
      '2027-13-01',
      '2027-00-10',
      '2027-01-00',
      '2027-1-01',
      '20270101',
      ' 2027-01-01',
      '2027-01-01T00:00:00Z',
      '',
    ]) {
      expect(isRealDate(date)).toBe(false);
    }
    expect(isRealDate(20270101)).toBe(false);
    expect(isRealDate(undefined)).toBe(false);
  });
});

describe('addDays and daysBetween', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(addDays('2027-03-01', 30)).toBe('2027-03-31');
    expect(daysBetween('2027-01-01', '2028-01-01')).toBe(365);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
  });

  it('throws for a date that does not exist or a fractional count', () => {
    expect(() => addDays('2027-02-29', 1)).toThrow(RangeError);
    expect(() => addDays('2027-02-01', 1.5)).toThrow(RangeError);
  });

  it('property: agrees with the JavaScript calendar', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: -20_000, max: 20_000 }), (date, days) => {
        const expected = new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000)
          .toISOString()
          .slice(0, 10);
        fc.pre(expected.length === 10);
        expect(addDays(date, days)).toBe(expected);
        expect(daysBetween(date, expected)).toBe(days);
        expect(Math.sign(compareDates(expected, date))).toBe(Math.sign(days));
      }),
    );
  });
});

describe('addMonths and monthsBetween', () => {
  it('keeps the day of the month, or the last day of a shorter month', () => {
    expect(addMonths('2027-03-01', 12)).toBe('2028-03-01');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28');
    expect(addMonths('2027-10-31', -1)).toBe('2027-09-30');
    expect(addMonths('2027-12-15', 1)).toBe('2028-01-15');
    expect(addMonths('2027-01-15', -1)).toBe('2026-12-15');
  });

  it('counts whole months', () => {
    expect(monthsBetween('2027-03-01', '2028-03-01')).toBe(12);
    expect(monthsBetween('2027-03-01', '2028-02-29')).toBe(11);
    expect(monthsBetween('2027-01-31', '2027-02-28')).toBe(1);
    expect(monthsBetween('2027-01-31', '2027-02-27')).toBe(0);
    expect(monthsBetween('2027-03-15', '2027-03-15')).toBe(0);
    expect(monthsBetween('2028-03-01', '2027-03-01')).toBe(-12);
  });

  it('counts the months of a period whose end date is inclusive', () => {
    expect(monthsInPeriod('2027-03-01', '2028-02-29')).toBe(12); // the example of architecture.md
    expect(monthsInPeriod('2027-02-20', '2030-02-19')).toBe(36);
    expect(monthsInPeriod('2027-03-01', '2028-02-28')).toBe(11);
    expect(monthsInPeriod('2027-03-01', '2028-03-15')).toBe(12);
    expect(monthsInPeriod('2027-01-01', '2027-12-31')).toBe(12);
  });

  it('property: addMonths(from, monthsBetween(from, to)) <= to < addMonths(from, that + 1)', () => {
    fc.assert(
      fc.property(isoDate, isoDate, (a, b) => {
        const [from, to] = compareDates(a, b) <= 0 ? [a, b] : [b, a];
        const months = monthsBetween(from, to);
        expect(months).toBeGreaterThanOrEqual(0);
        expect(compareDates(addMonths(from, months), to)).toBeLessThanOrEqual(0);
        expect(compareDates(addMonths(from, months + 1), to)).toBeGreaterThan(0);
      }),
    );
  });

  it('property: adding n months always gives at least n whole months', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: 0, max: 600 }), (from, n) => {
        expect(monthsBetween(from, addMonths(from, n))).toBe(n);
      }),
    );
  });
});

describe('ageOn', () => {
  it('turns a year older on the birthday, not the day before', () => {
    expect(ageOn('2011-03-01', '2027-03-01')).toBe(16);
    expect(ageOn('2011-03-02', '2027-03-01')).toBe(15);
    expect(ageOn('2000-01-01', '2027-03-01')).toBe(27);
    expect(ageOn('2027-03-01', '2027-03-01')).toBe(0);
  });

  it('lets a 29 February birthday pass on 1 March in common years', () => {
    expect(ageOn('2008-02-29', '2024-02-28')).toBe(15);
    expect(ageOn('2008-02-29', '2024-02-29')).toBe(16);
    expect(ageOn('2012-02-29', '2028-02-28')).toBe(15);
    expect(ageOn('2011-02-28', '2027-02-28')).toBe(16);
    expect(ageOn('2008-02-29', '2025-02-28')).toBe(16);
    expect(ageOn('2009-02-28', '2025-02-28')).toBe(16);
    expect(ageOn('2009-03-01', '2025-02-28')).toBe(15);
  });
});

describe('working days', () => {
  const holidays = DEFAULT_POLICY.holidays;
  const makeUp = DEFAULT_POLICY.makeUpWorkingDays ?? [];

  it('knows the weekday of a date', () => {
    expect(dayOfWeek('1970-01-01')).toBe(4);
    expect(dayOfWeek('2026-11-26')).toBe(4);
    expect(dayOfWeek('2027-03-01')).toBe(1);
    expect(dayOfWeek('1969-12-28')).toBe(0);
  });

  it('skips weekends', () => {
    expect(addWorkingDays('2026-11-20', 5, [])).toBe('2026-11-27'); // Friday + 5 working days = next Friday
    expect(addWorkingDays('2026-11-21', 1, [])).toBe('2026-11-23'); // Saturday → Monday
    expect(addWorkingDays('2026-11-23', 0, [])).toBe('2026-11-23');
  });

  it('skips listed holidays', () => {
    // Approved Wednesday 2026-09-30: 10-01…10-07 are holidays, 10-10 (Sat) is a make-up working day.
    expect(addWorkingDays('2026-09-30', 5, holidays)).toBe('2026-10-14');
    expect(addWorkingDays('2026-09-30', 5, holidays, makeUp)).toBe('2026-10-13');
    expect(addWorkingDays('2026-02-13', 1, holidays)).toBe('2026-02-24'); // Spring Festival break
  });

  it('treats make-up working days as working days, unless also listed as holidays', () => {
    expect(isWorkingDay('2026-02-14', holidays, makeUp)).toBe(true);
    expect(isWorkingDay('2026-02-14', holidays)).toBe(false);
    expect(isWorkingDay('2026-02-16', holidays, makeUp)).toBe(false);
    expect(isWorkingDay('2026-11-26', holidays, makeUp)).toBe(true);
    expect(isWorkingDay('2026-02-14', ['2026-02-14'], ['2026-02-14'])).toBe(false);
  });

  it('refuses a negative count', () => {
    expect(() => addWorkingDays('2026-11-20', -1, [])).toThrow(RangeError);
  });

  it('property: never lands on a weekend or holiday, and passes exactly n working days', () => {
    const year2026to2028 = fc
      .date({
        min: new Date('2025-12-01T00:00:00Z'),
        max: new Date('2028-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((date) => date.toISOString().slice(0, 10));
    fc.assert(
      fc.property(year2026to2028, fc.integer({ min: 1, max: 30 }), (start, n) => {
        const end = addWorkingDays(start, n, holidays);
        expect([0, 6]).not.toContain(dayOfWeek(end));
        expect(holidays).not.toContain(end);
        let counted = 0;
        for (let day = addDays(start, 1); compareDates(day, end) <= 0; day = addDays(day, 1)) {
          if (isWorkingDay(day, holidays)) counted++;
        }
        expect(counted).toBe(n);
      }),
    );
  });

  it('property: with random holiday lists too', () => {
    fc.assert(
      fc.property(
        isoDate,
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 15 }),
        (start, n, offsets) => {
          const randomHolidays = offsets.map((offset) => addDays(start, offset));
          const end = addWorkingDays(start, n, randomHolidays);
          expect([0, 6]).not.toContain(dayOfWeek(end));
          expect(randomHolidays).not.toContain(end);
          expect(compareDates(end, start)).toBeGreaterThan(0);
        },
      ),
    );
  });
});
