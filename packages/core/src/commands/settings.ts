import * as v from 'valibot';
import type { Company, CustomAttributes, Identity, PersonAttributes } from '../protocol/wire';
import { findReservedKey } from './reserved-keys';

/**
 * Intercom's settings object (`boot`, `update`, `window.intercomSettings`), validated with
 * valibot and normalised: identity, person attributes, launcher settings; any other key is a
 * custom attribute given inline, as Intercom allows.
 */

export type Alignment = 'left' | 'right';

export interface LauncherSettings {
  hideDefaultLauncher: boolean;
  customLauncherSelector: string | undefined;
  alignment: Alignment;
  horizontalPadding: number;
  verticalPadding: number;
  actionColor: string | undefined;
  backgroundColor: string | undefined;
  zIndex: number;
}

/** Intercom never places the launcher closer than 20px to the edge. */
export const MIN_LAUNCHER_PADDING = 20;

export const defaultLauncherSettings: LauncherSettings = {
  hideDefaultLauncher: false,
  customLauncherSelector: undefined,
  alignment: 'right',
  horizontalPadding: MIN_LAUNCHER_PADDING,
  verticalPadding: MIN_LAUNCHER_PADDING,
  actionColor: undefined,
  backgroundColor: undefined,
  zIndex: 2147483000,
};

export interface NormalizedSettings {
  app_id: string | undefined;
  /** The server this call named: `confab_api_base`, else `api_base`. */
  api_base: string | undefined;
  identity: Identity;
  attributes: PersonAttributes;
  /** Only the launcher settings this call named; merged over the current ones. */
  launcher: Partial<LauncherSettings>;
}

/** The settings a site passes, as Intercom documents them; other keys are custom attributes. */
export interface IntercomSettings {
  app_id?: string;
  /** Intercom's name for the server; one naming Intercom's own host counts as absent (api-base.ts). */
  api_base?: string;
  /** Confab's own name for its server, which no Intercom client overwrites; before api_base. */
  confab_api_base?: string;
  /** null or '' (a template's logged-out visitor) count as absent. */
  user_id?: string | number | null;
  email?: string | null;
  user_hash?: string | null;
  /** A JWT the site's backend signs (HS256, the app's secret): Intercom's recommended proof. */
  intercom_user_jwt?: string | null;
  name?: string | null;
  phone?: string | null;
  created_at?: number | Date | string;
  unsubscribed_from_emails?: boolean;
  language_override?: string;
  avatar?: { type: 'avatar'; image_url: string };
  company?: IntercomCompany;
  companies?: IntercomCompany[];
  custom_attributes?: Record<string, CustomAttributeInput>;
  hide_default_launcher?: boolean;
  custom_launcher_selector?: string;
  alignment?: Alignment;
  horizontal_padding?: number;
  vertical_padding?: number;
  action_color?: string;
  background_color?: string;
  z_index?: number;
  [customAttribute: string]: unknown;
}

export type CustomAttributeInput = string | number | boolean | null | Date;

export interface IntercomCompany {
  company_id?: string | number;
  id?: string | number;
  name?: string;
  created_at?: number | Date;
  plan?: string;
  monthly_spend?: number;
  user_count?: number;
  size?: number;
  website?: string;
  industry?: string;
  [customAttribute: string]: unknown;
}

// Keys Intercom reads but Confab has no use for; accepted so existing snippets stay quiet.
// react-use-intercom's argument-less update() sends last_request_at: the server keeps its own.
const IGNORED_KEYS = new Set(['installation_type', 'session_duration', 'page_title', 'widget', 'last_request_at']);

const MAX_STRING = 255;
const CUSTOM_KEY_RULE = /^[^.$]{1,190}$/;

/** Unix seconds from seconds, milliseconds (a common mistake Intercom also tolerates) or a Date. */
function toUnixSeconds(value: number | Date): number {
  const ms = value instanceof Date ? value.getTime() : value > 100_000_000_000 ? value : value * 1000;
  return Math.floor(ms / 1000);
}

const timestamp = v.pipe(
  v.union(
    [
      v.pipe(v.number(), v.finite(), v.minValue(0)),
      v.pipe(
        v.date(),
        v.check((d) => !Number.isNaN(d.getTime())),
      ),
      // Server templates print numbers into strings ("1700000000"); Intercom takes those too.
      v.pipe(v.string(), v.regex(/^\d{1,13}$/), v.transform(Number)),
    ],
    'must be unix seconds (a number) or a Date',
  ),
  v.transform(toUnixSeconds),
);

const shortString = v.pipe(v.string(), v.maxLength(MAX_STRING, `must be at most ${MAX_STRING} characters`));

// null through nullable() rather than a null() option: the same outcome, one schema fewer in confab.js.
const customValue = v.nullable(
  v.union(
    [
      shortString,
      v.pipe(v.number(), v.finite('must be a finite number')),
      v.boolean(),
      v.pipe(
        v.date(),
        v.transform((date: Date) => toUnixSeconds(date)),
      ),
    ],
    'a custom attribute must be a string (up to 255 characters), a finite number, a boolean, null or a Date',
  ),
);

const idValue = v.pipe(
  v.union(
    [
      v.pipe(
        v.string(),
        v.trim(),
        v.nonEmpty('must be a non-empty string or a number'),
        v.maxLength(MAX_STRING, `must be at most ${MAX_STRING} characters`),
      ),
      v.pipe(v.number(), v.finite('must be a finite number')),
    ],
    'must be a non-empty string or a number',
  ),
  v.transform(String),
);

function customKeysCheck(input: Record<string, unknown>, known: Record<string, unknown>): string | null {
  for (const key of Object.keys(input)) {
    if (Object.hasOwn(known, key) || IGNORED_KEYS.has(key)) continue;
    if (!CUSTOM_KEY_RULE.test(key)) {
      return `custom attribute name "${key}" must be 1 to 190 characters without "." or "$"`;
    }
  }
  return null;
}

const companyEntries = {
  company_id: v.optional(idValue),
  id: v.optional(idValue),
  name: v.optional(shortString),
  created_at: v.optional(timestamp),
  plan: v.optional(shortString),
  monthly_spend: v.optional(v.pipe(v.number(), v.finite())),
  user_count: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  size: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  website: v.optional(shortString),
  industry: v.optional(shortString),
};

const companySchema = v.pipe(
  v.objectWithRest(companyEntries, customValue),
  v.check((c) => c.company_id !== undefined || c.id !== undefined, 'a company needs a company_id'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = customKeysCheck(dataset.value, companyEntries);
    if (problem) addIssue({ message: problem });
  }),
);

const cssColor = v.pipe(
  v.string(),
  v.regex(
    /^(#[0-9a-fA-F]{3,8}|(rgb|rgba|hsl|hsla)\([0-9.,%\s/]+\)|[a-zA-Z]{3,30})$/,
    'must be a CSS colour such as #0b5cff',
  ),
);

const absoluteUrl = v.optional(v.pipe(v.string(), v.url('must be an absolute URL')));

const settingsEntries = {
  app_id: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, "_" or "-"')),
  ),
  api_base: absoluteUrl,
  confab_api_base: absoluteUrl,
  user_id: v.optional(idValue),
  email: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(MAX_STRING), v.email('must be an email address'))),
  user_hash: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (HMAC-SHA256)'))),
  // Checked by the server (signature, algorithm, expiry); here only its shape: three dot-separated parts.
  intercom_user_jwt: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(4096),
      v.regex(/^[\w-]+\.[\w-]+\.[\w-]*$/, 'must be a JWT (header.payload.signature)'),
    ),
  ),
  name: v.optional(v.nullable(shortString)),
  phone: v.optional(v.nullable(shortString)),
  created_at: v.optional(timestamp),
  unsubscribed_from_emails: v.optional(v.boolean()),
  language_override: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})?$/, 'must be a language code such as "en" or "pt-BR"'),
    ),
  ),
  // objectWithRest and picklist (used above anyway) rather than object and literal: the same
  // checks and messages, two schemas fewer in confab.js; other keys are dropped as object() does.
  avatar: v.optional(
    v.pipe(
      v.objectWithRest({ type: v.picklist(['avatar']), image_url: v.pipe(v.string(), v.url()) }, v.unknown()),
      v.transform(({ type, image_url }) => ({ type, image_url })),
    ),
  ),
  company: v.optional(companySchema),
  companies: v.optional(v.pipe(v.array(companySchema), v.maxLength(50))),
  custom_attributes: v.optional(
    v.record(
      v.pipe(
        v.string(),
        v.regex(CUSTOM_KEY_RULE, 'custom attribute names must be 1 to 190 characters without "." or "$"'),
      ),
      customValue,
    ),
  ),
  hide_default_launcher: v.optional(v.boolean()),
  custom_launcher_selector: v.optional(v.pipe(v.string(), v.nonEmpty(), v.maxLength(500))),
  alignment: v.optional(v.picklist(['left', 'right'], 'must be "left" or "right"')),
  horizontal_padding: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  vertical_padding: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  action_color: v.optional(cssColor),
  background_color: v.optional(cssColor),
  // A CSS z-index is a 32-bit integer: 1e30 would be written as "1e+30", which CSS drops silently.
  z_index: v.optional(
    v.pipe(
      v.number(),
      v.integer('must be an integer'),
      v.minValue(-2147483648, 'must be at least -2147483648'),
      v.maxValue(2147483647, 'must be at most 2147483647 (a CSS z-index is 32-bit)'),
    ),
  ),
  // Accepted and ignored (see IGNORED_KEYS): typed loosely so any value Intercom took still passes.
  installation_type: v.optional(v.unknown()),
  session_duration: v.optional(v.unknown()),
  page_title: v.optional(v.unknown()),
  widget: v.optional(v.unknown()),
  last_request_at: v.optional(v.unknown()),
};

const MAX_CUSTOM_ATTRIBUTES = 100;

const settingsSchema = v.pipe(
  v.objectWithRest(settingsEntries, customValue, 'must be an object'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const problem = customKeysCheck(dataset.value, settingsEntries);
    if (problem) addIssue({ message: problem });
    const custom = Object.keys(dataset.value).filter((k) => !Object.hasOwn(settingsEntries, k) && !IGNORED_KEYS.has(k));
    if (custom.length + Object.keys(dataset.value.custom_attributes ?? {}).length > MAX_CUSTOM_ATTRIBUTES) {
      addIssue({ message: `at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes per call` });
    }
  }),
);

const IDENTITY_KEYS = ['user_id', 'email', 'user_hash', 'intercom_user_jwt'] as const;

/**
 * A page's template prints `user_id: null` or `email: ''` for a visitor who is not logged in;
 * Intercom boots them as a lead, so these count as absent rather than refusing the whole boot.
 */
function withoutBlankIdentity(input: Record<string, unknown>): Record<string, unknown> {
  if (!IDENTITY_KEYS.some((key) => input[key] === null || input[key] === '')) return input;
  const copy = { ...input };
  for (const key of IDENTITY_KEYS) if (copy[key] === null || copy[key] === '') delete copy[key];
  return copy;
}

/** Where the settings (or a company, or custom_attributes, within them) name a reserved key. */
function reservedKeyPath(input: object, subject: string): string | undefined {
  const record = input as Record<string, unknown>;
  const nested: Array<[string, unknown]> = [
    ['', input],
    ['company.', record.company],
    ['custom_attributes.', record.custom_attributes],
    ...(Array.isArray(record.companies)
      ? record.companies.map((c, i): [string, unknown] => [`companies.${i}.`, c])
      : []),
  ];
  for (const [prefix, value] of nested) {
    if (value === null || typeof value !== 'object') continue;
    const key = findReservedKey(value);
    if (key !== undefined) return `${subject}.${prefix}${key}`;
  }
  return undefined;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

/** One readable line from valibot's issues: where, then which rule. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], subject: string): string {
  const issue = issues[0]!;
  const path = v.getDotPath(issue);
  const where = path ? `${subject}.${path}` : subject;
  // valibot's own messages read "Invalid type: Expected …"; ours already read as a rule.
  return issue.message.startsWith('Invalid') ? `${where} is invalid (${issue.message})` : `${where} ${issue.message}`;
}

function normalizeCompany(company: v.InferOutput<typeof companySchema>): Company {
  const custom: CustomAttributes = {};
  const normalized: Company = {};
  for (const [key, value] of Object.entries(company)) {
    if (value === undefined) continue;
    if (key === 'id' || key === 'company_id') normalized.company_id = String(value);
    else if (key in companyEntries) (normalized as Record<string, unknown>)[key] = value;
    else custom[key] = value as CustomAttributes[string];
  }
  if (Object.keys(custom).length > 0) normalized.custom_attributes = custom;
  return normalized;
}

const LAUNCHER_KEYS: Record<string, keyof LauncherSettings> = {
  hide_default_launcher: 'hideDefaultLauncher',
  custom_launcher_selector: 'customLauncherSelector',
  alignment: 'alignment',
  horizontal_padding: 'horizontalPadding',
  vertical_padding: 'verticalPadding',
  action_color: 'actionColor',
  background_color: 'backgroundColor',
  z_index: 'zIndex',
};

const ATTRIBUTE_KEYS = new Set([
  'name',
  'phone',
  'created_at',
  'unsubscribed_from_emails',
  'language_override',
  'avatar',
]);

/** Validates and normalises a settings object; `subject` names it in the problem text. */
export function parseSettings(input: unknown, subject = 'settings'): ParseResult<NormalizedSettings> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, problem: `${subject} must be an object` };
  }
  const reserved = reservedKeyPath(input, subject);
  if (reserved) return { ok: false, problem: `${reserved} is a reserved name and cannot be an attribute` };
  const result = v.safeParse(settingsSchema, withoutBlankIdentity(input as Record<string, unknown>));
  if (!result.success) return { ok: false, problem: describeIssues(result.issues, subject) };

  const normalized: NormalizedSettings = {
    app_id: undefined,
    api_base: undefined,
    identity: {},
    attributes: {},
    launcher: {},
  };
  const custom: CustomAttributes = {};
  for (const [key, value] of Object.entries(result.output)) {
    if (value === undefined || IGNORED_KEYS.has(key)) continue;
    if (key === 'app_id') normalized.app_id = value as string;
    // The server this call named: Confab's own setting wins over Intercom's.
    else if (key === 'api_base' || key === 'confab_api_base')
      normalized.api_base = result.output.confab_api_base ?? (value as string);
    else if ((IDENTITY_KEYS as readonly string[]).includes(key))
      normalized.identity[key as (typeof IDENTITY_KEYS)[number]] = value as string;
    else if (key in LAUNCHER_KEYS) {
      const name = LAUNCHER_KEYS[key]!;
      const padded = name === 'horizontalPadding' || name === 'verticalPadding';
      (normalized.launcher as Record<string, unknown>)[name] = padded
        ? Math.max(MIN_LAUNCHER_PADDING, value as number)
        : value;
    } else if (key === 'company') normalized.attributes.company = normalizeCompany(value as never);
    else if (key === 'companies') normalized.attributes.companies = (value as never[]).map(normalizeCompany);
    else if (key === 'custom_attributes') Object.assign(custom, value);
    else if (ATTRIBUTE_KEYS.has(key)) (normalized.attributes as Record<string, unknown>)[key] = value;
    else custom[key] = value as CustomAttributes[string];
  }
  if (Object.keys(custom).length > 0) normalized.attributes.custom_attributes = custom;
  return { ok: true, value: normalized };
}

export function applyLauncherSettings(current: LauncherSettings, patch: Partial<LauncherSettings>): LauncherSettings {
  return { ...current, ...patch };
}
