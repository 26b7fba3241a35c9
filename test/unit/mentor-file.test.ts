import { describe, expect, it } from 'vitest';
import {
  addImportedMentors,
  mentorsFromCsv,
  mentorTemplateCsv,
  normaliseLevel,
} from '../../web/src/roster/mentors.ts';

/** Mentors in bulk from a file (issue 16 item 10): read as the roster is, merged into the form for review. */
describe('a mentors file', () => {
  it('reads the enterprise columns by their Chinese or API names, levels as people write them', () => {
    const read = mentorsFromCsv(
      '\uFEFF 姓名 ,工号,技能等级\r\n孙丽,E2002,二级/技师\r\n周明,E2003,3\r\n,,\r\n王芳,E2004,高级技师\r\n孙丽,E2002,2\r\n',
      'enterprise',
    );
    expect(read).toEqual({
      missing: [],
      mentors: [
        { name: '孙丽', number: 'E2002', skillLevel: '2' },
        { name: '周明', number: 'E2003', skillLevel: '3' },
        { name: '王芳', number: 'E2004', skillLevel: '1' },
      ],
    });
    expect(mentorsFromCsv('name,employeeNo,skillLevel\r\nLi,E1,level 4\r\n', 'enterprise').mentors).toEqual([
      { name: 'Li', number: 'E1', skillLevel: '4' },
    ]);
    expect(['技师', '高级工', '四级', '初级工'].map(normaliseLevel)).toEqual(['2', '3', '4', '5']);
  });

  it('names the columns a header lacks, and reads the school side without a level', () => {
    expect(mentorsFromCsv('姓名,工号\r\n孙丽,E2002\r\n', 'enterprise')).toEqual({
      mentors: [],
      missing: ['skillLevel'],
    });
    expect(mentorsFromCsv('姓名,教师编号\r\n陈老师,T901\r\n', 'school').mentors).toEqual([
      { name: '陈老师', number: 'T901' },
    ]);
    expect(mentorsFromCsv(mentorTemplateCsv('school', 'zh-CN'), 'school')).toEqual({
      mentors: [],
      missing: [],
    });
  });

  it('fills empty rows first, adds the rest with the next free key and keeps numbers already there', () => {
    type Row = { key: string; name: string; number: string };
    const rows: Row[] = [
      { key: 'm1', name: '赵敏', number: 'E2001' },
      { key: 'm3', name: '', number: '' },
    ];
    const merged = addImportedMentors(
      rows,
      [
        { name: '赵敏', number: 'E2001' },
        { name: '孙丽', number: 'E2002' },
        { name: '周明', number: 'E2003' },
      ],
      {
        numberOf: (row) => row.number,
        make: (key, mentor) => ({ key, name: mentor.name, number: mentor.number }),
        fill: (row, mentor) => ({ ...row, name: mentor.name, number: mentor.number }),
        keyPrefix: 'm',
      },
    );
    expect(merged).toEqual({
      added: 2,
      skipped: 1,
      rows: [
        { key: 'm1', name: '赵敏', number: 'E2001' },
        { key: 'm3', name: '孙丽', number: 'E2002' },
        { key: 'm4', name: '周明', number: 'E2003' },
      ],
    });
    expect(rows[1]!.name).toBe('');
  });
});
