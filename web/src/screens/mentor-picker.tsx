import { useI18n } from '../i18n.ts';
import type { RegisteredMentor } from './mentor-register.ts';

/**
 * Pick one of the organisation's known mentors (with the apprentices they take elsewhere) and add
 * them to the form: the enterprise's in the cohort form, the school's at enrolment.
 */
export function MentorPicker(props: {
  id: string;
  mentors: RegisteredMentor[];
  pick: string;
  onPick: (number: string) => void;
  onAdd: () => void;
}) {
  const { t } = useI18n();
  if (props.mentors.length === 0) return null;
  return (
    <div class="mentor-pick">
      <label class="field">
        <span>{t('mentor.pick')}</span>
        <select
          id={props.id}
          class="mentor-pick-select"
          value={props.pick}
          onChange={(event) => props.onPick(event.currentTarget.value)}
        >
          {props.mentors.map((known) => (
            <option key={known.number} value={known.number}>
              {t('mentor.pickOption', { name: known.name, number: known.number, n: known.load })}
            </option>
          ))}
        </select>
      </label>
      <button type="button" class="button-secondary" data-testid="add-known-mentor" onClick={props.onAdd}>
        {t('mentor.addKnown')}
      </button>
    </div>
  );
}
