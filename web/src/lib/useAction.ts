import { useRef, useState } from 'preact/hooks';
import { describeError, type FieldProblem } from '../api/client.js';

/** Where an action stands: running, or failed with a sentence (and the request fields it concerns). */
export interface ActionState {
  busy: boolean;
  error: string | undefined;
  /** The first field the failure named, if any. */
  field: string | undefined;
  /** Every field the failure named, each with its sentence: a form shows each beside its control. */
  fields: readonly FieldProblem[];
  /** The error if it concerns `field`, for a form's <Field error=…>. */
  errorFor: (field: string) => string | undefined;
  /**
   * Forgets a field's error once the user changes that field, so no stale message stays beside a value
   * that may now be right (the form checks it again on the next submit).
   */
  clear: (field: string) => void;
}

type Failure = { field?: string; message: string; fields?: readonly FieldProblem[] };

/**
 * The one way the UI runs an API call from a button or form: `run` never throws (a failure becomes
 * `state.error`, a sentence from describeError, shown with <ActionError>, and each field's sentence
 * beside its field), a second click while it runs is ignored, and a new run clears the last error.
 * `run` resolves to fn's result, or undefined on failure.
 */
export function useAction<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  fallback: string,
): [run: (...args: A) => Promise<R | undefined>, state: ActionState] {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure>();
  // A ref, not the state: two clicks in one frame both see busy === false.
  const running = useRef(false);

  const run = async (...args: A): Promise<R | undefined> => {
    if (running.current) return undefined;
    running.current = true;
    setBusy(true);
    setFailure(undefined);
    try {
      return await fn(...args);
    } catch (err) {
      setFailure(describeError(err, fallback));
      return undefined;
    } finally {
      running.current = false;
      setBusy(false);
    }
  };
  const fields = failure?.fields ?? [];
  const state: ActionState = {
    busy,
    error: failure?.message,
    field: failure?.field,
    fields,
    errorFor: (field) => fields.find((f) => f.field === field)?.message,
    clear: (field) =>
      setFailure((f) => {
        if (!f?.fields?.some((p) => p.field === field)) return f;
        const rest = f.fields.filter((p) => p.field !== field);
        const first = rest[0];
        // The last field error gone: the whole failure is, too (its summary said "see the fields").
        return first ? { field: first.field, message: first.message, fields: rest } : undefined;
      }),
  };
  return [run, state];
}
