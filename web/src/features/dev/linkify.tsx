import type { ReactNode } from 'react';

// http(s) only, so a message can never smuggle in a javascript: link. Trailing punctuation is
// left out of the link, as in "open https://example.com/x." at the end of a sentence.
const urlPattern = /\bhttps?:\/\/[^\s<>"']+/g;
const trailingPunctuation = /[.,;:!?)\]]+$/;

/** Plain text with every web address turned into a link; everything else stays text (no HTML). */
export function linkify(text: string): ReactNode[] {
  const parts: ReactNode[] = [];
  let position = 0;
  for (const match of text.matchAll(urlPattern)) {
    const start = match.index;
    const raw = match[0];
    const url = raw.replace(trailingPunctuation, '');
    if (start > position) parts.push(text.slice(position, start));
    parts.push(
      <a key={`${start}:${url}`} href={url}>
        {url}
      </a>,
    );
    position = start + url.length;
  }
  if (position < text.length) parts.push(text.slice(position));
  return parts;
}
