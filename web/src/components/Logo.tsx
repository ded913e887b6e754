/** The Tessera mark: four tiles, one lighter (decorative; the product name sits beside it). */
export function Logo() {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="#2f5bd3" />
      <path d="M9 9h6v6H9zM17 9h6v6h-6zM9 17h6v6H9z" fill="#fff" />
      <path d="M17 17h6v6h-6z" fill="#fff" opacity="0.55" />
    </svg>
  );
}
