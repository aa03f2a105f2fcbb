// One table for buttons and forms, in the spirit of Bolt's `app.action` and
// teams-ai's `addRoute`: each feature registers the ids its messages and forms
// carry (in its own *-routes.ts), and trellis.ts looks a click or a submit up
// here. Ids share one namespace, and one registered twice stops start-up, so
// two features can never both claim a click.
import type { Deps } from './deps.js';
import type { Message, Reply } from './message.js';
import type { ActionRequest, SubmitRequest } from './request.js';

/**
 * `serial`: one at a time across every instance sharing the store (reads, decides,
 * writes). `personal`: one at a time per caller, side by side with other people
 * (answering touches only the caller's own invitation and answers).
 */
export type Lock = 'serial' | 'personal';

interface Route<Req, Res> {
  id: string;
  lock: Lock;
  handle: (deps: Deps, req: Req) => Promise<Res>;
}

/** A button click: a reply, or a private form to open. */
type ActionRoute = Route<ActionRequest, Reply>;
/** A private form sent back. */
type FormRoute = Route<SubmitRequest, Message>;

/** What one feature registers. */
export interface FeatureRoutes {
  actions?: ActionRoute[];
  forms?: FormRoute[];
}

interface RouteTable {
  action(id: string): ActionRoute | undefined;
  form(id: string): FormRoute | undefined;
}

export function routeTable(features: FeatureRoutes[]): RouteTable {
  const actions = new Map<string, ActionRoute>();
  const forms = new Map<string, FormRoute>();
  const claim = <R extends { id: string }>(into: Map<string, R>, route: R) => {
    if (actions.has(route.id) || forms.has(route.id)) throw new Error(`Route "${route.id}" is registered twice`);
    into.set(route.id, route);
  };
  for (const f of features) {
    for (const a of f.actions ?? []) claim(actions, a);
    for (const s of f.forms ?? []) claim(forms, s);
  }
  return { action: (id) => actions.get(id), form: (id) => forms.get(id) };
}
