// What the browser shows at the end of Bolt's OAuth flow (/slack/oauth_redirect):
// Bolt's own pages, except that a failure caused by the request — a cancelled
// install, a missing or forged state, a code Slack does not accept — is a 400
// saying what to do, not a 500.
import type { ExpressReceiverOptions } from '@slack/bolt';
import { webApi } from '@slack/bolt';
import type { Logger } from '../../log.js';
import { esc } from '../../web/html.js';
import { INSTALL_PATH } from './not-installed.js';

type CallbackOptions = NonNullable<NonNullable<ExpressReceiverOptions['installerOptions']>['callbackOptions']>;
type CodedError = Parameters<NonNullable<CallbackOptions['failure']>>[0];

const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)} — Trellis</title></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em"><h1>${esc(title)}</h1><p>${text}</p></body></html>`;

/** Why the install did not complete, and whose fault: the request's (400) or Slack's (502). */
function why(error: CodedError): { status: number; text: string } {
  const again = `Start again from <a href="${INSTALL_PATH}">${INSTALL_PATH}</a>.`;
  switch (error.code) {
    case 'slack_oauth_installer_authorization_error':
      return { status: 400, text: `The installation was cancelled, so Trellis was not added. ${again}` };
    case 'slack_oauth_missing_state':
    case 'slack_oauth_invalid_state':
      return { status: 400, text: `This link is not from an installation started in this browser, or it has expired (after 10 minutes). ${again}` };
    case 'slack_oauth_missing_code':
      return { status: 400, text: `Slack's answer lacks its code, so the installation cannot complete. ${again}` };
  }
  const e = error as unknown as { code?: string; data?: { error?: string } };
  // Slack refused the exchange (an expired or reused code, a wrong client secret): a new install gets a new code.
  if (e.code === webApi.ErrorCode.PlatformError)
    return { status: 400, text: `Slack did not accept this installation (${esc(e.data?.error ?? 'unknown_error')}). ${again}` };
  return { status: 502, text: `Slack could not be reached to complete the installation. ${again}` };
}

export function installCallbacks(log: Logger): CallbackOptions {
  return {
    success: (installation, _options, _req, res) => {
      const where = installation.isEnterpriseInstall ? 'your Enterprise Grid organisation' : 'your workspace';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        page(
          'Trellis is installed',
          `Trellis is now in ${where}. In the channel your partnership will use, type <code>/trellis setup &lt;name&gt;</code>, or <code>/trellis join &lt;invite-code&gt; &lt;organisation&gt;</code> to join a partnership that already runs elsewhere.`,
        ),
      );
    },
    failure: (error, _options, _req, res) => {
      const { status, text } = why(error);
      log.warn('slack: an installation did not complete', { status, code: error.code });
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page('Trellis was not installed', text));
    },
  };
}
