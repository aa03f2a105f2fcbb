// Platform-neutral messages: the core returns these, each adapter has one renderer.

export interface Field {
  label: string;
  value: string;
}

export interface Button {
  /** Which core action a click runs. */
  actionId: string;
  label: string;
  /** Carried back verbatim on click; never trusted (re-validated by the core). */
  value: string;
  style?: 'primary' | 'danger';
}

export interface Message {
  title?: string;
  /** Plain text; `*bold*` and line breaks are the only markup renderers must support. */
  text: string;
  fields?: Field[];
  /** A bulleted list (members, organisations, help lines). */
  items?: string[];
  buttons?: Button[];
  tone: 'info' | 'success' | 'error';
  /** `caller`: only the person who asked sees it; `conversation`: everyone where it was asked. */
  audience: 'caller' | 'conversation';
}

type Extra = Omit<Partial<Message>, 'text' | 'tone'>;

export const info = (text: string, extra: Extra = {}): Message => ({ text, tone: 'info', audience: 'caller', ...extra });
export const success = (text: string, extra: Extra = {}): Message => ({ text, tone: 'success', audience: 'caller', ...extra });
export const failure = (text: string, extra: Extra = {}): Message => ({ text, tone: 'error', audience: 'caller', ...extra });

/** A button that runs a command as the person who clicks it. */
export const commandButton = (label: string, command: string, style?: Button['style']): Button => ({
  actionId: 'run',
  label,
  value: command,
  ...(style ? { style } : {}),
});
