// What `help privacy` and the privacy page (src/web/legal-pages.ts) share:
// where the page is, and the commands that let people act on their data.

/** The privacy notice, served by Trellis itself under PUBLIC_URL (the Teams manifest's privacyUrl). */
export const PRIVACY_PATH = '/privacy';

/**
 * Your rights, as commands that exist today: the page and `help privacy` list
 * exactly these, so a new rights command (seeing or removing your data) is one
 * entry here. Each is typed as shown and must parse (tests/core/help.test.ts).
 */
export const RIGHTS_COMMANDS: readonly { typed: string; what: string }[] = [
  { typed: 'help privacy', what: 'this summary in the chat, with a link to the full privacy notice' },
  { typed: 'members', what: 'what the partnership sees about you: your name, organisation and role' },
  { typed: 'concern', what: 'raise a tension with the critical friend, who never learns who raised it' },
  { typed: 'my data', what: 'everything Trellis holds about you, in a private chat, with a one-hour link to download it as a file' },
  {
    typed: 'leave',
    what: 'leave the partnership: your name, ids, email and the way back to your concerns are erased (it asks first); your answers stay in the figures, unlinkable',
  },
  { typed: 'member remove <member>', what: 'a coordinator does the same for someone else, who is told' },
];
