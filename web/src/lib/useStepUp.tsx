import type { JSX } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { StepUpPrompt } from '../components/StepUpPrompt.js';

/** Runs a security change; when the server asks for a fresh confirmation, asks for it first. */
export type StepUpGuard = <R>(change: () => Promise<R>) => Promise<R>;

interface Waiting {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * The step-up prompt of a page: `guard(change)` runs the change, and if the server answers
 * STEP_UP_REQUIRED it shows the prompt (password, passkey or authenticator code) and, once the user
 * has confirmed, runs the change again from its start (a passkey ceremony begins anew). Cancelling
 * fails the change with a sentence its button shows. `prompt` goes somewhere in the page.
 */
export function useStepUp(): { guard: StepUpGuard; prompt: JSX.Element | null } {
  const [waiting, setWaiting] = useState<Waiting>();
  // The current wait, for the prompt's callbacks: a state read there could be a render behind.
  const current = useRef<Waiting>();
  const settle = (how: (w: Waiting) => void) => {
    const w = current.current;
    current.current = undefined;
    setWaiting(undefined);
    if (w) how(w);
  };
  const guard: StepUpGuard = async (change) => {
    try {
      return await change();
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 'STEP_UP_REQUIRED')) throw e;
    }
    await new Promise<void>((resolve, reject) => {
      current.current = { resolve, reject };
      setWaiting(current.current);
    });
    return change();
  };
  const prompt = waiting ? (
    <StepUpPrompt
      onConfirmed={() => settle((w) => w.resolve())}
      onCancel={() =>
        settle((w) =>
          w.reject(
            new ApiError(0, 'STEP_UP_CANCELLED', 'nothing was changed: confirm it is you to make the change'),
          ),
        )
      }
    />
  ) : null;
  return { guard, prompt };
}
