import { Fragment } from 'react';

/**
 * Issue 17 item 1: browsers may wrap a line after a hyphen, which cuts "montgomery-fitzgerald@…"
 * or "Rivera-Lopez" in two. Words holding a hyphen or an @ are kept on one line, except that an
 * address may break just before its @ (its two halves stay whole). The text itself (what is
 * copied or read out) is unchanged.
 */
export function KeepWordsWhole({ text }: { text: string }) {
  const pieces = text.split(/(\s+)/);
  return (
    <>
      {pieces.map((piece, index) => (
        <Fragment key={index}>{/\s/.test(piece) || !/[-@]/.test(piece) ? piece : <WholeWord word={piece} />}</Fragment>
      ))}
    </>
  );
}

function WholeWord({ word }: { word: string }) {
  const at = word.indexOf('@');
  if (at <= 0) return <span className="nobreak">{word}</span>;
  return (
    <>
      <span className="nobreak">{word.slice(0, at)}</span>
      <wbr />
      <span className="nobreak">{word.slice(at)}</span>
    </>
  );
}
