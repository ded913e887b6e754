import { useEffect, useRef, type ReactNode } from 'react';
import { takePendingFocus } from '../router/router';

interface PageHeadingProps {
  children: ReactNode;
  /** The document title; defaults to the heading when it is plain text. */
  title?: string;
  /** Take focus on mount even without a navigation: the page changed in place (a next step). */
  isFocusedOnMount?: boolean;
}

/**
 * The page's <h1>. It names the browser tab and, after an in-app navigation, takes focus so
 * screen-reader and keyboard users start at the top of the new page.
 */
export function PageHeading({ children, title, isFocusedOnMount = false }: PageHeadingProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const documentTitle = title ?? (typeof children === 'string' ? children : undefined);

  useEffect(() => {
    document.title = documentTitle ? `${documentTitle} · Tessera` : 'Tessera';
  }, [documentTitle]);

  useEffect(() => {
    if (takePendingFocus() || isFocusedOnMount) headingRef.current?.focus();
    // Only on mount: a heading that stays put keeps its place in the focus order.
  }, []);

  return (
    <h1 ref={headingRef} tabIndex={-1}>
      {children}
    </h1>
  );
}
