// Trellis's design tokens, the one place a colour, radius, shadow or font is
// written: the dashboard and legal pages inline them (html.ts), the playground
// is served them as /tokens.css before its own stylesheet.

const TOKENS = {
  // Surfaces and text
  bg: '#f3f5f7',
  surface: '#ffffff',
  'surface-2': '#f8fafb',
  'surface-3': '#eef1f4',
  border: '#e2e7ec',
  'border-soft': '#e1e6eb',
  'border-strong': '#cfd7df',
  text: '#17212b',
  'text-soft': '#344250',
  muted: '#5b6875',
  'on-brand': '#fff',
  // The brand, and what each tone is drawn in
  brand: '#0f766e',
  'brand-dark': '#0b5c56',
  'brand-soft': '#e6f4f2',
  'brand-border': '#b7e0da',
  info: '#2563eb',
  success: '#15803d',
  'success-soft': '#ecfdf3',
  warn: '#9a3412',
  'warn-soft': '#fff7ed',
  'warn-border': '#fed7aa',
  error: '#b42318',
  'error-soft': '#fef3f2',
  'error-softer': '#fffafa',
  'error-border': '#fecdca',
  'error-border-strong': '#f4b4ae',
  'error-text': '#7a271a',
  // Private things: replies only one person sees, the critical friend's side of a conversation
  ephemeral: '#f5f3ff',
  'ephemeral-border': '#ddd6fe',
  private: '#7c3aed',
  focus: 'var(--info)',
  // One colour per playground persona, for their avatar (PERSONA_COLOURS in its message-view.js)
  'persona-0': 'var(--brand)',
  'persona-1': 'var(--private)',
  'persona-2': '#c2410c',
  'persona-3': '#1d4ed8',
  'persona-4': '#be185d',
  'persona-5': '#4d7c0f',
  'persona-6': '#0e7490',
  'persona-7': '#a16207',
  'focus-ring': 'rgba(37, 99, 235, 0.2)',
  // Shape and type
  radius: '12px',
  shadow: '0 1px 2px rgba(16, 24, 40, 0.05), 0 1px 3px rgba(16, 24, 40, 0.06)',
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  mono: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
} as const;

/** The tokens as CSS custom properties on :root (`--brand` and so on). */
export const TOKENS_CSS = `:root {\n${Object.entries(TOKENS)
  .map(([name, value]) => `  --${name}: ${value};`)
  .join('\n')}\n  color-scheme: light;\n}\n`;
