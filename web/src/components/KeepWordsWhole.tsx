import { Fragment } from 'react';

/**
 * Issue 17 item 1: browsers may wrap a line after a hyphen, which cuts "montgomery-fitzgerald@…"
 * or "Rivera-Lopez" in two. Words holding a hyphen or an @ are kept on one line; the text itself
 * (what is copied or read out) is unchanged.
 */
export function KeepWordsWhole({ text }: { text: string }) {
  const pieces = text.split(/(\s+)/);
  return (
    <>
      {pieces.map((piece, index) =>
        /[-@]/.test(piece) && !/\s/.test(piece) ? (
          <span key={index} className="nobreak">
            {piece}
          </span>
        ) : (
          <Fragment key={index}>{piece}</Fragment>
        ),
      )}
    </>
  );
}
