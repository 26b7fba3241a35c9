import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkResidentId,
  checkUscc,
  isMainlandMobile,
  isValidUscc,
  maskBankAccount,
  maskIdNumber,
  maskPhone,
  residentIdCheckCharacter,
  USCC_CHARACTERS,
  USCC_WEIGHTS,
  usccCheckCharacter,
} from '../../shared/domain/identifiers.ts';

/** A valid ID number for a birth date, built the way the registry does: region + date + sequence + check. */
function residentId(region: string, birthDate: string, sequence: string): string {
  const body = `${region}${birthDate.replaceAll('-', '')}${sequence}`;
  return body + residentIdCheckCharacter(body);
}

const usccCharacter = fc.constantFrom(...USCC_CHARACTERS.split(''));
const usccBody = fc.array(usccCharacter, { minLength: 17, maxLength: 17 }).map((chars) => chars.join(''));
const birthDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));
const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts the example of domain.md and refuses it with a wrong check character', () => {
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91350100M000100Y4Z')).toBe(false);
    expect(checkUscc('91350100M000100Y4Z')).toEqual({
      ok: false,
      code: 'uscc.check_character',
      params: {},
      message: 'check character is wrong',
    });
    expect(checkUscc('91350100M000100Y42')).toEqual({
      ok: false,
      code: 'uscc.check_character',
      params: {},
      message: 'check character is wrong',
    });
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
  });

  it('accepts the credit codes of the demo register', () => {
    for (const code of [
      '91110108MA01AAAA0M',
      '91110108MA01BBBB0B',
      '91110105MA01CCCC0M',
      '52110108MJ0AA1000A',
      '52110105MJ0BB2000G',
    ]) {
      expect(checkUscc(code)).toEqual({ ok: true });
    }
  });

  it('refuses a wrong length and characters outside the set', () => {
    expect(checkUscc('91350100M000100Y4')).toEqual({
      ok: false,
      code: 'uscc.length',
      params: {},
      message: 'must be 18 characters',
    });
    expect(checkUscc('91350100M000100Y433')).toEqual({
      ok: false,
      code: 'uscc.length',
      params: {},
      message: 'must be 18 characters',
    });
    expect(checkUscc('91350100I000100Y43')).toEqual({
      ok: false,
      code: 'uscc.characters',
      params: {},
      message: 'may contain only digits and the capital letters used in credit codes',
    });
    expect(checkUscc('91350100m000100y43').ok).toBe(false); // lower case is not the code's form
  });

  it('has weights 3^(i-1) mod 31', () => {
    expect(USCC_WEIGHTS).toEqual(Array.from({ length: 17 }, (_, i) => 3 ** i % 31));
  });

  it('throws for a body that cannot be checked', () => {
    expect(() => usccCheckCharacter('123')).toThrow(RangeError);
    expect(() => usccCheckCharacter('91350100O000100Y4')).toThrow(RangeError);
  });

  it('property: a body with its computed check character validates; any other character fails', () => {
    fc.assert(
      fc.property(usccBody, usccCharacter, (body, other) => {
        const check = usccCheckCharacter(body);
        expect(isValidUscc(body + check)).toBe(true);
        if (other !== check)
          expect(checkUscc(body + other)).toEqual({
            ok: false,
            code: 'uscc.check_character',
            params: {},
            message: 'check character is wrong',
          });
      }),
    );
  });

  it('property: changing any one character of a valid code is detected', () => {
    fc.assert(
      fc.property(usccBody, fc.integer({ min: 0, max: 16 }), usccCharacter, (body, position, replacement) => {
        fc.pre(body.charAt(position) !== replacement);
        const code = body + usccCheckCharacter(body);
        const altered = code.slice(0, position) + replacement + code.slice(position + 1);
        expect(isValidUscc(altered)).toBe(false);
      }),
    );
  });
});

describe('resident ID number (GB 11643-1999)', () => {
  it('accepts the examples of domain.md and reads birth date and sex', () => {
    expect(checkResidentId('11010519491231002X')).toEqual({ ok: true, birthDate: '1949-12-31', sex: 'F' });
    expect(checkResidentId('110108200001011237')).toEqual({ ok: true, birthDate: '2000-01-01', sex: 'M' });
  });

  it('refuses a wrong check character', () => {
    expect(checkResidentId('110105194912310021')).toEqual({
      ok: false,
      code: 'id_number.check_character',
      params: {},
      message: 'check character is wrong',
    });
    expect(checkResidentId('110108200001011238')).toEqual({
      ok: false,
      code: 'id_number.check_character',
      params: {},
      message: 'check character is wrong',
    });
  });

  it('refuses a wrong length', () => {
    expect(checkResidentId('11010519491231002')).toEqual({
      ok: false,
      code: 'id_number.length',
      params: {},
      message: 'must be 18 characters',
    });
    expect(checkResidentId('')).toEqual({
      ok: false,
      code: 'id_number.length',
      params: {},
      message: 'must be 18 characters',
    });
    expect(checkResidentId('110105194912310021X')).toEqual({
      ok: false,
      code: 'id_number.length',
      params: {},
      message: 'must be 18 characters',
    });
  });

  it('refuses letters other than a final capital X', () => {
    expect(checkResidentId('11010519491231002x')).toEqual({
      ok: false,
      code: 'id_number.shape',
      params: {},
      message: 'must be 17 digits followed by a digit or X',
    });
    expect(checkResidentId('1101051949123100X2')).toEqual({
      ok: false,
      code: 'id_number.shape',
      params: {},
      message: 'must be 17 digits followed by a digit or X',
    });
    expect(checkResidentId('11010519491231002Y')).toEqual({
      ok: false,
      code: 'id_number.shape',
      params: {},
      message: 'must be 17 digits followed by a digit or X',
    });
  });

  it('refuses a birth date that does not exist, even with a correct check character', () => {
    expect(checkResidentId(residentId('110108', '2001-02-29', '123'))).toEqual({
      ok: false,
      code: 'id_number.birth_date',
      params: {},
      message: 'birth date is not a real date',
    });
    const month13 = '11010820001301123'; // region 110108, birth 2000-13-01, sequence 123
    expect(checkResidentId(month13 + residentIdCheckCharacter(month13))).toEqual({
      ok: false,
      code: 'id_number.birth_date',
      params: {},
      message: 'birth date is not a real date',
    });
    expect(checkResidentId(residentId('110108', '2000-02-29', '123')).ok).toBe(true);
  });

  it('property: IDs built from random real dates validate with that birth date and sex', () => {
    fc.assert(
      fc.property(digits(6), birthDate, digits(3), (region, date, sequence) => {
        const id = residentId(region, date, sequence);
        expect(checkResidentId(id)).toEqual({
          ok: true,
          birthDate: date,
          sex: Number(sequence[2]) % 2 === 1 ? 'M' : 'F',
        });
      }),
    );
  });

  it('property: any other check character fails', () => {
    fc.assert(
      fc.property(
        digits(6),
        birthDate,
        digits(3),
        fc.constantFrom(...'0123456789X'.split('')),
        (region, date, seq, other) => {
          const id = residentId(region, date, seq);
          fc.pre(id.charAt(17) !== other);
          expect(checkResidentId(id.slice(0, 17) + other)).toEqual({
            ok: false,
            code: 'id_number.check_character',
            params: {},
            message: 'check character is wrong',
          });
        },
      ),
    );
  });
});

describe('mainland mobile numbers', () => {
  it('accepts 11 digits starting 13–19', () => {
    for (const phone of ['13800138000', '19912345678', '15000000000'])
      expect(isMainlandMobile(phone)).toBe(true);
  });

  it('refuses other shapes', () => {
    for (const phone of [
      '12800138000',
      '10800138000',
      '1380013800',
      '138001380000',
      '+8613800138000',
      '138 0013 8000',
      '1380013800a',
    ]) {
      expect(isMainlandMobile(phone)).toBe(false);
    }
  });
});

describe('masks', () => {
  it('shows the region code and last four of an ID number', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
    expect(maskIdNumber('110108200001011237')).toBe('110108********1237');
  });

  it('shows the first three and last four of a phone number', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('13912345678')).toBe('139****5678');
  });

  it('shows only the last four of a bank account', () => {
    expect(maskBankAccount('0200004509200123456')).toBe('***************3456');
    expect(maskBankAccount('6222 0200 0000 1234')).toBe('************1234');
    expect(maskBankAccount('1234')).toBe('****');
  });

  it('never shows a value too short to mask partly', () => {
    expect(maskIdNumber('1234567890')).toBe('**********');
    expect(maskPhone('1234567')).toBe('*******');
  });

  it('property: a masked ID keeps its length and hides the birth date', () => {
    fc.assert(
      fc.property(digits(6), birthDate, digits(3), (region, date, seq) => {
        const masked = maskIdNumber(residentId(region, date, seq));
        expect(masked).toHaveLength(18);
        expect(masked.slice(6, 14)).toBe('********');
      }),
    );
  });
});
