import { useEffect, type RefObject } from 'react';

/**
 * Issue 17 item 3: a page with one thing to type (sign-in, the second step) puts the cursor in its
 * field when it opens. Runs after the page heading's own focus on navigation (a parent's effect
 * runs after its children's), so the field wins; the field's label still names it.
 */
export function useFocusFieldOnMount(formRef: RefObject<HTMLFormElement | null>, fieldName: string): void {
  useEffect(() => {
    formRef.current?.querySelector<HTMLInputElement>(`input[name="${fieldName}"]`)?.focus();
  }, [formRef, fieldName]);
}
