import type { ActionState } from '../lib/useAction.js';

/**
 * An action's error, beside its button. The alert stays in the page, empty while all is well, so a
 * screen reader announces the sentence when it is filled in. `fields` are the ones the form shows beside
 * their own control: when every problem is one of those, this line only says how many to correct; an
 * error about any other field (or none) is said here in full.
 */
export function ActionError({ state, fields = [] }: { state: ActionState; fields?: readonly string[] }) {
  const beside = state.fields.filter((f) => fields.includes(f.field));
  const elsewhere = state.fields.filter((f) => !fields.includes(f.field));
  let shown: string | undefined;
  if (state.error === undefined) shown = undefined;
  else if (state.fields.length === 0) shown = state.error;
  else if (elsewhere.length > 0) shown = elsewhere.map((f) => f.message).join(' ');
  else
    shown =
      beside.length === 1
        ? 'Please correct the field marked above.'
        : `Please correct the ${beside.length} fields marked above.`;
  return (
    <span class="action-error" role="alert" aria-live="assertive">
      {shown}
    </span>
  );
}
