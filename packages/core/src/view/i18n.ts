/** The messenger's UI strings; `language_override` picks the catalogue, English is the fallback. */
export interface Catalogue {
  launcherLabel: string;
  launcherLabelUnread: (count: number) => string;
  closeLabel: string;
  backLabel: string;
  panelLabel: string;
  greeting: string;
  greetingNamed: (name: string) => string;
  intro: string;
  startConversation: string;
  recentConversation: string;
  seeAllConversations: string;
  messagesTitle: string;
  noConversations: string;
  newMessageTitle: string;
  composerPlaceholder: string;
  send: string;
  sending: string;
  failedRetry: string;
  unreadMark: string;
  you: string;
  team: string;
  loading: string;
  emailPrompt: string;
  emailPlaceholder: string;
  /** Under the person's last message once the team has read it. */
  seen: string;
  teamTyping: (name: string) => string;
}

const en: Catalogue = {
  launcherLabel: 'Open messenger',
  launcherLabelUnread: (count) => `Open messenger, ${count} unread ${count === 1 ? 'message' : 'messages'}`,
  closeLabel: 'Close messenger',
  backLabel: 'Back',
  panelLabel: 'Messenger',
  greeting: 'Hi there 👋',
  greetingNamed: (name) => `Hi ${name} 👋`,
  intro: 'Ask us anything, or share your feedback.',
  startConversation: 'Send us a message',
  recentConversation: 'Recent conversation',
  seeAllConversations: 'See all your conversations',
  messagesTitle: 'Messages',
  noConversations: 'No conversations yet',
  newMessageTitle: 'New message',
  composerPlaceholder: 'Write a message…',
  send: 'Send',
  sending: 'Sending…',
  failedRetry: 'Not sent. Retry',
  unreadMark: 'Unread',
  you: 'You',
  team: 'Team',
  loading: 'Loading…',
  emailPrompt: 'Get notified by email when we reply',
  emailPlaceholder: 'you@example.com',
  seen: 'Seen',
  teamTyping: (name) => `${name} is typing…`,
};

const fr: Catalogue = {
  launcherLabel: 'Ouvrir la messagerie',
  launcherLabelUnread: (count) =>
    `Ouvrir la messagerie, ${count} ${count === 1 ? 'message non lu' : 'messages non lus'}`,
  closeLabel: 'Fermer la messagerie',
  backLabel: 'Retour',
  panelLabel: 'Messagerie',
  greeting: 'Bonjour 👋',
  greetingNamed: (name) => `Bonjour ${name} 👋`,
  intro: 'Posez-nous vos questions ou partagez vos remarques.',
  startConversation: 'Envoyez-nous un message',
  recentConversation: 'Conversation récente',
  seeAllConversations: 'Voir toutes vos conversations',
  messagesTitle: 'Messages',
  noConversations: 'Aucune conversation pour le moment',
  newMessageTitle: 'Nouveau message',
  composerPlaceholder: 'Écrivez un message…',
  send: 'Envoyer',
  sending: 'Envoi…',
  failedRetry: 'Non envoyé. Réessayer',
  unreadMark: 'Non lu',
  you: 'Vous',
  team: 'Équipe',
  loading: 'Chargement…',
  emailPrompt: 'Recevez un e-mail quand nous répondons',
  emailPlaceholder: 'vous@exemple.fr',
  seen: 'Vu',
  teamTyping: (name) => `${name} écrit…`,
};

export const catalogues: Record<string, Catalogue> = { en, fr };

/** "pt-BR" falls back to "pt", then to English. */
export function catalogueFor(language: string | undefined): { language: string; strings: Catalogue } {
  const wanted = (language ?? 'en').toLowerCase().replace('_', '-');
  const base = wanted.split('-')[0]!;
  if (catalogues[wanted]) return { language: wanted, strings: catalogues[wanted]! };
  if (catalogues[base]) return { language: base, strings: catalogues[base]! };
  return { language: 'en', strings: en };
}
