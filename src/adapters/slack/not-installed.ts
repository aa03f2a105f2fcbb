// In distributed mode, a signed request from a workspace that has not
// installed Trellis (or removed it) has no token to be answered with: Bolt's
// `authorize` fails and it answers an empty 200. So it is answered here, before
// Bolt, with how to install: a slash command's reply is the HTTP answer itself.
// A modal sent from such a workspace is replaced by the same words; clicks and
// events get the empty 200 Slack expects (there is no token to answer them with).
import type { NextFunction, Request, Response } from 'express';
import { failure } from '../../core/message.js';
import type { Logger } from '../../log.js';
import { renderMessageModal } from './render-modal.js';
import { isUninstallEvent, requestWorkspace } from './request-workspace.js';
import { SIGNED_BODY } from './well-formed-requests.js';

export const INSTALL_PATH = '/slack/install';
export const OAUTH_REDIRECT_PATH = '/slack/oauth_redirect';

const notInstalledText = (baseUrl: string) =>
  `Trellis isn't installed in this workspace: ${baseUrl}${INSTALL_PATH} — a workspace admin can add it there (or ask your admin to approve it), then try again.`;

export function answerNotInstalled(installed: (workspace: string) => Promise<boolean>, baseUrl: () => string, log: Logger) {
  return async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    const body = res.locals[SIGNED_BODY] as Record<string, unknown> | undefined;
    // Unsigned (Bolt refuses it), or app_uninstalled and tokens_revoked (they must reach their listener).
    if (!body || isUninstallEvent(body)) return next();
    const workspace = requestWorkspace(body);
    if (workspace && (await installed(workspace))) return next();
    log.info('slack: a request from a workspace where Trellis is not installed was answered with the install link');
    const text = notInstalledText(baseUrl());
    if ('command' in body && !('type' in body)) return void res.status(200).json({ response_type: 'ephemeral', text });
    if (body.type === 'view_submission') return void res.status(200).json({ response_action: 'update', view: renderMessageModal(failure(text)) });
    res.status(200).send();
  };
}
