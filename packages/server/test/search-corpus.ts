// The search tests' corpus: conversations whose text mixes accents, case, punctuation, emails,
// user ids with dashes and non-Latin scripts, and the conversations each query must find. The same
// list serves both engines (search-parity.test.ts) and the behaviour tests (search.test.ts).
import type { RunningServer } from '../src';
import { type Answer, call, messenger, team } from './server-harness';

export interface CorpusConversation {
  label: string;
  contact?: { name?: string; email?: string; user_id?: string };
  messages: string[];
}

export const CORPUS: CorpusConversation[] = [
  { label: 'accents', contact: { name: 'Zoë Ångström' }, messages: ['Le café est fermé à Montréal'] },
  { label: 'case', messages: ['URGENT: Refund REQUESTED', 'any news?'] },
  {
    label: 'punctuation',
    messages: ["Order #123-456 (late!!) — can't log in; see https://shop.example/cart?id=9"],
  },
  {
    label: 'email',
    contact: { email: 'Ada.Lovelace@Example.COM', name: 'Ada' },
    messages: ['ping me at ada.lovelace@example.com please'],
  },
  { label: 'user-id', contact: { user_id: 'usr-42-abc' }, messages: ['my account is locked'] },
  { label: 'cyrillic', messages: ['Привет, ЗАКАЗ не пришёл'] },
  { label: 'greek', messages: ['Καλημέρα ΟΔΥΣΣΕΑ'] },
  { label: 'japanese', messages: ['東京の注文がまだ届きません'] },
  { label: 'chinese', messages: ['我的订单在哪里'] },
  { label: 'arabic', messages: ['مرحبا، طلبي متأخر'] },
  { label: 'hindi', messages: ['मेरा ऑर्डर कहाँ है'] },
  { label: 'emoji', messages: ['Thanks 🙏 great service 👍'] },
  { label: 'compatibility', messages: ['ｆｕｌｌｗｉｄｔｈ ﬁle attached'] },
  { label: 'german', messages: ['Straße und Größe'] },
  { label: 'turkish', messages: ['İSTANBUL office'] },
  { label: 'numbers', messages: ['Invoice 2026-0042 total 1,299.50'] },
  { label: 'operators', messages: ['He said "NEAR" and -minus OR NOT AND col:umn * star'] },
  { label: 'markup', messages: ['<b>bold</b> & <script>alert(1)</script>'] },
];

/** Each query and the labels of the conversations it finds (as a set). */
export const QUERIES: Array<[query: string, labels: string[]]> = [
  ['cafe', ['accents']],
  ['CAFÉ', ['accents']],
  ['montre', ['accents']],
  ['zoe', ['accents']],
  ['ANGSTROM', ['accents']],
  ['refund requested', ['case']],
  ['urgent', ['case']],
  ['refu', ['case']],
  ['123', ['punctuation']],
  ['#123-456', ['punctuation']],
  ["can't", ['punctuation']],
  ['ada.lovelace@example.com', ['email']],
  ['lovelace@exa', ['email']],
  ['example', ['email', 'punctuation']],
  ['usr-42-abc', ['user-id']],
  ['usr-42', ['user-id']],
  ['USR', ['user-id']],
  ['заказ', ['cyrillic']],
  ['пришел', ['cyrillic']],
  ['οδυσσεα', ['greek']],
  ['καλημερα', ['greek']],
  ['東京', ['japanese']],
  ['注文', ['japanese']],
  ['订单', ['chinese']],
  ['طلبي', ['arabic']],
  ['ऑर्डर', ['hindi']],
  ['thanks 👍', ['emoji']],
  ['fullwidth', ['compatibility']],
  ['file', ['compatibility']],
  ['straße', ['german']],
  ['strasse', []],
  ['größe', ['german']],
  ['istanbul', ['turkish']],
  ['2026-0042', ['numbers']],
  ['1,299.50', ['numbers']],
  ['"NEAR"', ['operators']],
  ['-minus', ['operators']],
  ['col:umn', ['operators']],
  ['star*', ['operators']],
  ['NOT AND', ['operators']],
  ['script alert', ['markup']],
  ['ada please', ['email']],
  ['ada locked', []],
  ['nothing-like-this', []],
];

/** Loads the corpus into `appId` of a running server; returns each label's conversation id. */
export async function loadCorpus(
  server: Pick<RunningServer, 'url'>,
  appId: string,
  corpus: CorpusConversation[] = CORPUS,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  let n = 0;
  for (const item of corpus) {
    n++;
    const { name, email, user_id } = item.contact ?? {};
    const booted = await call(server, 'POST', `${messenger(appId)}/boot`, {
      body: {
        app_id: appId,
        visitor_id: `corpus-${appId}-${n}-${Date.now()}`,
        device_id: `corpus-device-${n}`,
        identity: { ...(email ? { email } : {}), ...(user_id ? { user_id } : {}) },
        attributes: name ? { name } : {},
      },
    });
    if (booted.status !== 200) throw new Error(`boot: ${booted.status} ${JSON.stringify(booted.body)}`);
    const token = booted.body.session.token as string;
    const [first, ...rest] = item.messages;
    const started = await call(server, 'POST', `${messenger(appId)}/conversations`, {
      token,
      body: { body: first, client_id: `corpus-${n}` },
    });
    if (started.status !== 200) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
    const id = started.body.conversation.id as string;
    for (const [k, body] of rest.entries())
      await call(server, 'POST', `${messenger(appId)}/conversations/${id}/messages`, {
        token,
        body: { body, client_id: `corpus-${n}-${k}` },
      });
    ids.set(item.label, id);
  }
  return ids;
}

/** Every conversation id a search finds, following its cursor to the last page. */
export async function searchAll(
  server: Pick<RunningServer, 'url'>,
  appId: string,
  token: string,
  q: string,
  extra = '',
): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | null = null;
  do {
    const answer: Answer = await call(
      server,
      'GET',
      `${team(appId)}/search?q=${encodeURIComponent(q)}${extra}${cursor ? `&cursor=${cursor}` : ''}`,
      {
        token,
      },
    );
    if (answer.status !== 200) throw new Error(`search ${q}: ${answer.status} ${JSON.stringify(answer.body)}`);
    for (const result of answer.body.results) found.push(result.conversation.id);
    cursor = answer.body.next_cursor;
  } while (cursor);
  return found;
}
