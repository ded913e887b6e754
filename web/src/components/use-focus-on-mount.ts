import { useEffect, useRef } from 'react';

/**
 * For a step that replaces the one before it in place: focus its heading (tabIndex={-1}) when it
 * appears, so keyboard and screen-reader users start at the top of the new step.
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
