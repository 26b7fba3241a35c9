/**
 * Made-up apprentices for the demo, tests and benchmarks: valid ID numbers (GB 11643 check
 * character, real birth dates), mobile numbers and contracts, different on every call so a
 * roster never collides with an earlier run's people.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function idNumber(birthDate: string, sequence: number, area = '110108'): string {
  const body = `${area}${birthDate.replaceAll('-', '')}${String(sequence % 1000).padStart(3, '0')}`;
  const sum = [...body].reduce((total, digit, index) => total + Number(digit) * WEIGHTS[index]!, 0);
  return body + CHECK[sum % 11];
}

let counter = Math.floor(Math.random() * 1_000_000_000);

export function uniqueSuffix(): string {
  counter += 1;
  return `${Date.now().toString(36)}${counter.toString(36)}`.toUpperCase();
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡'];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '强',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '晨',
  '欣怡',
  '子涵',
];

export interface RosterOptions {
  count: number;
  mentorKeys: string[];
  contractStart: string;
  contractEnd: string | null;
}

export function makeRoster(options: RosterOptions) {
  return Array.from({ length: options.count }, (_, index) => {
    // Each call takes the next number: its last three digits are the ID's sequence number and the
    // rest picks a birth day between 1990 and 2004, so no two rows of a process share an ID.
    const seed = counter++;
    const birth = new Date(Date.UTC(1990, 0, 1) + (Math.floor(seed / 1000) % (15 * 365)) * 86_400_000);
    const birthDate = birth.toISOString().slice(0, 10);
    return {
      name: `${SURNAMES[seed % SURNAMES.length]}${GIVEN[(seed >> 3) % GIVEN.length]}`,
      idNumber: idNumber(birthDate, seed % 1000),
      phone: `13${String(seed % 1_000_000_000).padStart(9, '0')}`,
      hireType: index % 4 === 0 ? 'transfer' : 'new_hire',
      contract: { startDate: options.contractStart, endDate: options.contractEnd },
      enterpriseMentorKey: options.mentorKeys[Math.floor(index / 8) % options.mentorKeys.length]!,
    };
  });
}

/** A cohort body for `POST /cohorts` with `count` apprentices and enough mentors for them. */
export function makeCohortBody(options: {
  schoolId: string;
  startDate: string;
  endDate: string;
  count: number;
  occupationCode?: string;
  targetLevel?: number;
}) {
  const mentorCount = Math.max(1, Math.ceil(options.count / 8));
  const suffix = uniqueSuffix();
  const enterpriseMentors = Array.from({ length: mentorCount }, (_, index) => ({
    key: `m${index + 1}`,
    name: ['张伟', '李强', '王磊', '刘洋', '陈杰', '杨勇'][index % 6]!,
    employeeNo: `E${suffix}${index}`,
    skillLevel: 2,
  }));
  return {
    schoolId: options.schoolId,
    occupationCode: options.occupationCode ?? '4-04-05-05',
    targetLevel: options.targetLevel ?? 4,
    startDate: options.startDate,
    endDate: options.endDate,
    plannedHours: { total: 1200, concentrated: 320 },
    agreements: { schoolAgreementNo: `HZ-${suffix}`, apprenticeAgreementNo: `PX-${suffix}` },
    enterpriseMentors,
    apprentices: makeRoster({
      count: options.count,
      mentorKeys: enterpriseMentors.map((mentor) => mentor.key),
      contractStart: options.startDate,
      contractEnd: null,
    }),
  };
}

/** The school's approval body: a student number and a school mentor for every apprentice. */
export function makeEnrolment(apprentices: { apprenticeId: string }[]) {
  const suffix = uniqueSuffix();
  const mentorCount = Math.max(1, Math.ceil(apprentices.length / 8));
  const schoolMentors = Array.from({ length: mentorCount }, (_, index) => ({
    key: `t${index + 1}`,
    name: ['王老师', '赵老师', '钱老师', '孙老师', '李老师', '周老师'][index % 6]!,
    teacherNo: `T${suffix}${index}`,
  }));
  return {
    decision: 'approve' as const,
    schoolMentors,
    enrolment: apprentices.map((apprentice, index) => ({
      apprenticeId: apprentice.apprenticeId,
      studentNumber: `S${suffix}${String(index + 1).padStart(3, '0')}`,
      schoolMentorKey: schoolMentors[Math.floor(index / 8) % mentorCount]!.key,
    })),
  };
}
