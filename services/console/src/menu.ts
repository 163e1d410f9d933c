/** The menu: each entry is shown only when the chosen role's capabilities include one of its own. */
export interface MenuEntry {
  path: string;
  key: string;
  capabilities: string[];
  /** Needs the role to carry an enterprise (the contact centre's role has none). */
  enterprise?: boolean;
}

/** Any of these opens the contact centre's back office. */
export const ADMIN_CAPABILITIES = ['admin.enterprises.onboard', 'admin.access-manager.replace', 'admin.mandates.register', 'admin.mandates.end', 'admin.persons.audit'];

export const MENU: MenuEntry[] = [
  { path: '/home', key: 'home', capabilities: [] },
  { path: '/enterprise', key: 'enterprise', capabilities: ['enterprise.read'], enterprise: true },
  { path: '/co-access-managers', key: 'coAccessManagers', capabilities: ['co-access-managers.manage'], enterprise: true },
  { path: '/users', key: 'users', capabilities: ['users.search.quality', 'users.search.enterprise'], enterprise: true },
  { path: '/users/import', key: 'importUsers', capabilities: ['users.manage'], enterprise: true },
  { path: '/co-local-managers', key: 'coLocalManagers', capabilities: ['co-local-managers.manage'], enterprise: true },
  { path: '/quality', key: 'quality', capabilities: ['quality.details'], enterprise: true },
  { path: '/scim-tokens', key: 'scimTokens', capabilities: ['scim.tokens.manage'], enterprise: true },
  { path: '/routing', key: 'routing', capabilities: ['routing.manage'], enterprise: true },
  { path: '/batch-channels', key: 'batchChannels', capabilities: ['batch-channels.manage'], enterprise: true },
  { path: '/messages', key: 'messages', capabilities: ['routing.manage'], enterprise: true },
  { path: '/audit', key: 'audit', capabilities: ['audit.read'], enterprise: true },
  { path: '/webhooks', key: 'webhooks', capabilities: ['webhooks.manage'], enterprise: true },
  { path: '/admin', key: 'admin', capabilities: ADMIN_CAPABILITIES },
  { path: '/me', key: 'me', capabilities: ['self.manage'] },
  { path: '/help', key: 'help', capabilities: [] },
];

export function visibleMenu(capabilities: string[], hasEnterprise: boolean): MenuEntry[] {
  return MENU.filter((m) => (m.capabilities.length === 0 || m.capabilities.some((c) => capabilities.includes(c))) && (!m.enterprise || hasEnterprise));
}
