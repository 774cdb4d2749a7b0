/** Platform authentication and users (§4): failed logins, support access, MFA, verification, deletion, workspaces. */
import type { CategoryShapes } from './shape';

export const AUTH: CategoryShapes = {
  category: 'auth',
  types: {
    6: {
      description: (rec) =>
        `Failed authentication request from '${rec.user?.username}', ` +
        `Reason: Invalid password from IP 176.11.24.${rec.variant % 250}`,
    },
    7: {
      description: (rec) =>
        "Failed authentication request from 'Fleet Backend Token', " +
        `Reason: TokenStatus Revoked from IP 54.64.35.${rec.variant % 250}`,
    },
    13: {
      description: (rec) =>
        `Support user 'support@emnify.example' accessed the organisation as '${rec.user?.username}'.`,
      detail: (rec) => ({
        support_username: 'support@emnify.example',
        support_user_org: { id: 2, name: 'emnify support' },
        target_username: rec.user?.username,
      }),
    },
    14: { description: (rec) => `Multi-factor authentication enabled for user '${rec.user?.username}'.` },
    41: { description: (rec) => `User '${rec.user?.username}' verified.` },
    46: {
      description: (rec) => `User '${rec.user?.username}' deleted.`,
      detail: (rec) => ({
        user: { id: 279000 + (rec.variant % 100), username: `former.colleague${rec.variant % 100}@acme.example` },
      }),
    },
    67: { description: (rec) => `User '${rec.user?.username}' switched to workspace 'Acme Fleet Staging'.` },
  },
};
