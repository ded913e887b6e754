import { useCallback, useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { toProblem, type Problem } from '../api/client';

export type FieldErrors = Partial<Record<string, string>>;

export interface FormController {
  formRef: RefObject<HTMLFormElement | null>;
  isSubmitting: boolean;
  problem: Problem | null;
  fieldErrors: FieldErrors;
  /** Wraps a submit handler: client checks first, then the action, with errors kept for display. */
  handleSubmit: (action: () => Promise<void>, validate?: () => FieldErrors) => (event: FormEvent) => void;
  reset: () => void;
}

/**
 * The state every form shares: whether it is submitting, the problem the server answered and the
 * errors per field (the server's `errors[].field` equals the request body property, which is also
 * the field's `name` here).
 */
export function useForm(): FormController {
  const formRef = useRef<HTMLFormElement | null>(null);
  const [isSubmitting, setSubmitting] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [errorRevision, setErrorRevision] = useState(0);
  const [settledRevision, setSettledRevision] = useState(0);
  const isSubmittingRef = useRef(false);

  // After a failed submit, move focus to the first field in error (or the alert) so keyboard and
  // screen-reader users land on what needs fixing.
  useEffect(() => {
    if (errorRevision === 0) return;
    const form = formRef.current;
    const target = form?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form?.querySelector<HTMLElement>('[role="alert"]');
    target?.focus();
  }, [errorRevision]);

  // The submit button is disabled while submitting, which drops its focus to <body>; give it back
  // once the form is done, unless focus has moved somewhere on purpose meanwhile.
  useEffect(() => {
    if (settledRevision === 0) return;
    const isFocusLost = document.activeElement === null || document.activeElement === document.body;
    if (isFocusLost) formRef.current?.querySelector<HTMLElement>('button[type="submit"]')?.focus();
  }, [settledRevision]);

  const handleSubmit = useCallback(
    (action: () => Promise<void>, validate?: () => FieldErrors) => (event: FormEvent) => {
      event.preventDefault();
      if (isSubmittingRef.current) return;
      const clientErrors = compact(validate?.() ?? {});
      if (Object.keys(clientErrors).length > 0) {
        setProblem(null);
        setFieldErrors(clientErrors);
        setErrorRevision((revision) => revision + 1);
        return;
      }
      isSubmittingRef.current = true;
      setSubmitting(true);
      setProblem(null);
      setFieldErrors({});
      action()
        .catch((error: unknown) => {
          const next = toProblem(error);
          setProblem(next);
          setFieldErrors(fieldErrorsOf(next));
          setErrorRevision((revision) => revision + 1);
        })
        .finally(() => {
          isSubmittingRef.current = false;
          setSubmitting(false);
          setSettledRevision((revision) => revision + 1);
        });
    },
    [],
  );

  const reset = useCallback(() => {
    setProblem(null);
    setFieldErrors({});
  }, []);

  return { formRef, isSubmitting, problem, fieldErrors, handleSubmit, reset };
}

function fieldErrorsOf(problem: Problem): FieldErrors {
  const errors: FieldErrors = {};
  for (const { field, message } of problem.errors ?? []) {
    // Keep the first message per field; one clear sentence beats a list.
    errors[field] ??= message;
  }
  return errors;
}

function compact(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([, message]) => message !== undefined && message !== ''));
}
