// react-use-intercom's props (camelCase, `customAttributes` apart) as Intercom's settings
// (snake_case), so that an app moving over keeps its calls as they are. Keys this table does not
// know pass through unchanged: Intercom's own snake_case settings (`user_id`) and custom attributes
// given inline work as with `window.Intercom`.
import type { IntercomSettings } from '@confab/core';

export interface IntercomCompanyProps {
  companyId: string;
  name?: string;
  createdAt?: string | number;
  plan?: string;
  monthlySpend?: number;
  userCount?: number;
  size?: number;
  website?: string;
  industry?: string;
  customAttributes?: Record<string, unknown>;
}

/** react-use-intercom's `IntercomProps`; any other key is one of Intercom's own settings (`user_id`) or a custom attribute. */
export interface IntercomProps {
  email?: string;
  userId?: string;
  createdAt?: string | number;
  name?: string;
  phone?: string;
  lastRequestAt?: string | number;
  unsubscribedFromEmails?: boolean;
  languageOverride?: string;
  utmCampaign?: string;
  utmContent?: string;
  utmMedium?: string;
  utmSource?: string;
  utmTerm?: string;
  avatar?: { type: string; imageUrl?: string } | IntercomSettings['avatar'];
  userHash?: string;
  company?: IntercomCompanyProps | NonNullable<IntercomSettings['company']>;
  companies?: Array<IntercomCompanyProps | NonNullable<IntercomSettings['company']>>;
  intercomUserJwt?: string;
  pageTitle?: string;
  customAttributes?: Record<string, unknown>;
  customLauncherSelector?: string;
  alignment?: 'left' | 'right';
  verticalPadding?: number;
  horizontalPadding?: number;
  zIndex?: number;
  hideDefaultLauncher?: boolean;
  sessionDuration?: number;
  actionColor?: string;
  backgroundColor?: string;
  linkColor?: string;
  themeMode?: 'light' | 'dark' | 'system';
  [setting: string]: unknown;
}

const RENAMED: Record<string, string> = {
  userId: 'user_id',
  createdAt: 'created_at',
  lastRequestAt: 'last_request_at',
  unsubscribedFromEmails: 'unsubscribed_from_emails',
  languageOverride: 'language_override',
  utmCampaign: 'utm_campaign',
  utmContent: 'utm_content',
  utmMedium: 'utm_medium',
  utmSource: 'utm_source',
  utmTerm: 'utm_term',
  userHash: 'user_hash',
  intercomUserJwt: 'intercom_user_jwt',
  pageTitle: 'page_title',
  customLauncherSelector: 'custom_launcher_selector',
  verticalPadding: 'vertical_padding',
  horizontalPadding: 'horizontal_padding',
  zIndex: 'z_index',
  hideDefaultLauncher: 'hide_default_launcher',
  sessionDuration: 'session_duration',
  actionColor: 'action_color',
  backgroundColor: 'background_color',
  linkColor: 'link_color',
  themeMode: 'theme_mode',
  monthlySpend: 'monthly_spend',
  userCount: 'user_count',
  companyId: 'company_id',
  imageUrl: 'image_url',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** One level of props renamed; `customAttributes` spread in, as react-use-intercom does; undefined values left out. */
function renamed(props: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    if (key === 'customAttributes' && isRecord(value)) Object.assign(out, value);
    else if (key === 'company' && isRecord(value)) out.company = renamed(value);
    else if (key === 'companies' && Array.isArray(value))
      out.companies = value.map((company) => (isRecord(company) ? renamed(company) : company));
    else if (key === 'avatar' && isRecord(value)) out.avatar = renamed(value);
    else out[RENAMED[key] ?? key] = value;
  }
  return out;
}

/** Props as react-use-intercom takes them (or Intercom's own settings) → Intercom's settings for core. */
export function toIntercomSettings(props: unknown): IntercomSettings | undefined {
  if (props === undefined) return undefined;
  // Anything else is core's to refuse, with its own warning naming what is wrong.
  return isRecord(props) ? (renamed(props) as IntercomSettings) : (props as IntercomSettings);
}
