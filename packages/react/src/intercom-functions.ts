// The functions of useIntercom(), named and called as react-use-intercom's are, over core's
// commands: `boot` and `update` take its camelCase props; what Confab adds (the hooks,
// `showSpace`, `startConversation`) is there too; calls for Intercom products Confab does not
// have (tours, surveys, articles, news, tickets, checklists) say so once each and do nothing.
import type { IntercomSettings, Logger, MessengerCommands } from '@confab/core';
import { type IntercomProps, toIntercomSettings } from './intercom-props';

/** react-use-intercom's functions for products Confab does not have. */
export const ABSENT_PRODUCTS = {
  startTour: 'product tours',
  startChecklist: 'checklists',
  showArticle: 'help center articles',
  startSurvey: 'surveys',
  showNews: 'news',
  showTicket: 'tickets',
  hideNotifications: 'in-app notifications',
  setAuthTokens: 'data connectors',
} as const;

export type AbsentProduct = keyof typeof ABSENT_PRODUCTS;

export interface IntercomFunctions extends Omit<MessengerCommands, 'boot' | 'update'> {
  boot(props?: IntercomProps): void;
  update(props?: IntercomProps): void;
  /** As `shutdown`, which already ends the session and replaces the visitor id (nothing of Confab lives on `window`). */
  hardShutdown(): void;
  startTour(tourId: number): void;
  startChecklist(checklistId: number): void;
  showArticle(articleId: number): void;
  startSurvey(surveyId: number): void;
  showNews(newsId: number): void;
  showTicket(ticketId: number): void;
  hideNotifications(hidden: boolean): void;
  setAuthTokens(tokens: Record<string, string>): void;
}

export function intercomFunctions(commands: MessengerCommands, logger: Logger): IntercomFunctions {
  const warned = new Set<string>();
  const absent = (name: AbsentProduct) => () => {
    if (warned.has(name)) return;
    warned.add(name);
    logger.warn(`[Confab] ${name}() does nothing: Confab has no ${ABSENT_PRODUCTS[name]}, only the messenger.`);
  };
  return {
    ...commands,
    boot: (props) => commands.boot(toIntercomSettings(props) as IntercomSettings),
    update: (props) => commands.update(toIntercomSettings(props) as IntercomSettings),
    hardShutdown: () => commands.shutdown(),
    startTour: absent('startTour'),
    startChecklist: absent('startChecklist'),
    showArticle: absent('showArticle'),
    startSurvey: absent('startSurvey'),
    showNews: absent('showNews'),
    showTicket: absent('showTicket'),
    hideNotifications: absent('hideNotifications'),
    setAuthTokens: absent('setAuthTokens'),
  };
}
