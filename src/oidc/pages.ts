// The few pages the provider itself shows (logout confirmation, errors, a refused organization):
// plain HTML in Tessera's colours, no scripts, everything interpolated escaped.
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `body` must already be safe HTML (built with escapeHtml). */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Tessera</title>
<style>body{font-family:system-ui,sans-serif;background:#f5f6f8;color:#1d2330;margin:0}main{max-width:28rem;margin:4rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}h1{font-size:1.3rem;margin-top:0}button,a.button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid #2f5bd3;background:#2f5bd3;color:#fff;cursor:pointer;text-decoration:none;display:inline-block;margin:.25rem .5rem .25rem 0}button.secondary,a.secondary{background:#fff;color:#2f5bd3}</style>
</head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}
