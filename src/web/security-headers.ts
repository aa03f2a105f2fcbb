// The headers every page Trellis serves sends (the dashboard, the playground),
// defined once: nothing cached or sent on as a referrer, no type sniffed, no
// framing, and nothing loaded or run but what the page names.

/** What a page may load beyond nothing at all. */
export type Sources = Partial<Record<'script-src' | 'style-src' | 'img-src' | 'connect-src' | 'form-action', string>>;

export function securityHeaders(sources: Sources): Readonly<Record<string, string>> {
  const { 'form-action': formAction = "'none'", ...loads } = sources;
  const allowed = Object.entries(loads).map(([directive, value]) => `${directive} ${value}`);
  return {
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': ["default-src 'none'", ...allowed, "base-uri 'none'", `form-action ${formAction}`, "frame-ancestors 'none'"].join('; '),
    'X-Frame-Options': 'DENY',
  };
}
