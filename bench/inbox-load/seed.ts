// The inbox's bench data: an app with many conversations, each with its own named contact and a
// few messages, written straight into a migrated SQLite file in one transaction of prepared
// statements (a server's write path would take minutes for 100,000 messages; this takes seconds).
import Database from 'better-sqlite3';

export interface SeedCounts {
  conversations: number;
  messages: number;
}

export interface SeedTeammate {
  id: string;
  name: string;
}

export interface SeedTeammates {
  /** Who the bench signs in as: a share of the conversations is theirs ("mine"). */
  me: SeedTeammate;
  /** A colleague holding another share. */
  colleague: SeedTeammate;
}

const FIRST = [
  'Ada',
  'Alan',
  'Amara',
  'Anton',
  'Aria',
  'Bea',
  'Boris',
  'Carla',
  'Chen',
  'Dara',
  'Dmitri',
  'Edith',
  'Elena',
  'Emil',
  'Farah',
  'Felix',
  'Greta',
  'Hana',
  'Hugo',
  'Ines',
  'Ivan',
  'Jonas',
  'Julia',
  'Kai',
  'Kenji',
  'Lara',
  'Leon',
  'Lina',
  'Luca',
  'Maia',
  'Marco',
  'Mila',
  'Nadia',
  'Nico',
  'Nora',
  'Olga',
  'Omar',
  'Paula',
  'Pedro',
  'Priya',
  'Quinn',
  'Rafael',
  'Rosa',
  'Ruth',
  'Sami',
  'Sara',
  'Sven',
  'Tara',
  'Teo',
  'Uma',
  'Vera',
  'Viktor',
  'Wanda',
  'Wei',
  'Xavier',
  'Yara',
  'Yusuf',
  'Zoe',
  'Zain',
  'Amir',
  'Bianca',
  'Caleb',
  'Diana',
  'Eli',
  'Fatima',
  'Gil',
  'Helga',
  'Ilse',
  'Jamal',
  'Kira',
  'Lars',
  'Mei',
  'Nils',
  'Oona',
  'Pia',
  'Rami',
  'Selma',
  'Tomas',
  'Ulla',
  'Vik',
  'Willa',
  'Yann',
  'Zora',
  'Ayla',
  'Bruno',
  'Cleo',
  'Dev',
  'Esme',
  'Finn',
  'Gwen',
  'Hiro',
  'Iris',
  'Jude',
  'Karl',
  'Liv',
  'Milo',
  'Nell',
  'Otto',
  'Pim',
  'Rhea',
];
const LAST = [
  'Abbott',
  'Berg',
  'Costa',
  'Dahl',
  'Eriksen',
  'Ferreira',
  'Garcia',
  'Hansen',
  'Ito',
  'Jensen',
  'Kowalski',
  'Larsen',
  'Moreau',
  'Novak',
  'Okafor',
  'Petrov',
  'Quint',
  'Rossi',
  'Silva',
  'Tanaka',
  'Ueda',
  'Varga',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zimmer',
  'Alvarez',
  'Brandt',
  'Castillo',
  'Dubois',
  'Engel',
  'Fischer',
  'Gomez',
  'Horvat',
  'Ibrahim',
  'Jovanovic',
  'Kim',
  'Lindqvist',
  'Meyer',
  'Nakamura',
  'Olsen',
  'Park',
  'Quiroga',
  'Richter',
  'Schmidt',
  'Torres',
  'Urbina',
  'Vogel',
  'Wagner',
  'Young',
  'Ziegler',
  'Andersen',
  'Becker',
  'Chowdhury',
  'Diaz',
  'Evans',
  'Fontaine',
  'Gruber',
  'Hoffmann',
  'Iqbal',
  'Janssen',
  'Keller',
  'Lopez',
  'Mendes',
  'Nielsen',
  'Oliveira',
  'Pereira',
  'Ramos',
  'Santos',
  'Takahashi',
  'Ulrich',
  'Vasquez',
  'Walker',
  'Yamada',
  'Zhang',
  'Arnold',
  'Bauer',
  'Conti',
  'Duarte',
  'Egger',
  'Frank',
  'Greco',
  'Haas',
  'Ivanova',
  'Jung',
  'Krause',
  'Lang',
  'Marino',
  'Neumann',
  'Ortiz',
  'Pohl',
  'Reyes',
  'Sauer',
  'Thomsen',
  'Unger',
  'Vidal',
  'Wolf',
  'Yoshida',
  'Zeller',
  'Moss',
];

/** Contact i's name: unique for the first FIRST.length × LAST.length contacts. */
export function contactName(i: number): string {
  const first = FIRST[i % FIRST.length]!;
  const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
  const round = Math.floor(i / (FIRST.length * LAST.length));
  return round === 0 ? `${first} ${last}` : `${first} ${last} ${round + 1}`;
}

const VISITOR_LINES = [
  'Hi, my order has not arrived yet, can you check where it is?',
  'Is there a way to change the billing address on my last invoice?',
  'The checkout page keeps spinning after I enter my card.',
  'Do you ship to Norway, and how long does it take?',
  'I was charged twice for the same subscription this month.',
  'How do I invite my colleagues to our workspace?',
  'Can I get a refund for the annual plan? We only used it a week.',
  'The export to CSV leaves out the last column.',
];
const TEAM_LINES = [
  'Thanks for reaching out! Let me look into that for you.',
  'I have checked with the warehouse: it left yesterday, tracking link coming up.',
  'Sorry about that. I have refunded the second charge, it shows in 3 to 5 days.',
  'You can do that under Settings → Billing, I have sent you the steps.',
  'Good catch, our engineers are on it. I will write as soon as it is fixed.',
  'Yes we do! Shipping to Norway takes 2 to 4 working days.',
];

/**
 * Writes the conversations, contacts and messages into the migrated SQLite file at `path` in one
 * transaction. Conversation i's activity is i minutes after `start`, so the newest is the last;
 * two in three are open, one in six snoozed, one in six closed; one in three is the bench's
 * teammate's, one in three the colleague's, the rest unassigned. Each conversation's messages
 * alternate visitor and team, the visitor's first; the last one is its latest activity.
 */
export function seedConversations(
  path: string,
  appId: string,
  counts: SeedCounts,
  teammates: SeedTeammates,
  start: number,
): void {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  const insertPerson = db.prepare(
    `INSERT INTO people (id, app_id, role, visitor_id, user_id, email, name, attributes, device_hash, created_at, updated_at)
     VALUES (?, ?, 'user', ?, ?, ?, ?, ?, NULL, ?, ?)`,
  );
  const insertConversation = db.prepare(
    `INSERT INTO conversations (id, app_id, person_id, state, created_at, updated_at, person_unread, start_client_id,
       snoozed_until, assignee_id, assigned_by, assigned_at, state_changed_by, state_changed_at, activity_at)
     VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?, ?, NULL, NULL, ?)`,
  );
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, conversation_id, author, author_id, author_name, author_avatar_url, body, created_at, client_id)
     VALUES (?, ?, ?, ?, ?, NULL, ?, ?, NULL)`,
  );
  const assignees = [teammates.me, teammates.colleague, null] as const;
  const perConversation = Math.max(1, Math.round(counts.messages / counts.conversations));
  db.transaction(() => {
    for (let i = 0; i < counts.conversations; i++) {
      const id = `c${String(i).padStart(6, '0')}`;
      const personId = `p${String(i).padStart(6, '0')}`;
      const created = start + i * 60_000 - perConversation * 1_000;
      const activity = start + i * 60_000;
      const name = contactName(i);
      insertPerson.run(
        personId,
        appId,
        `visitor-${i}`,
        `user-${i}`,
        `${name.toLowerCase().replaceAll(' ', '.')}@example.com`,
        name,
        JSON.stringify({ plan: i % 3 === 0 ? 'pro' : 'free', seats: (i % 20) + 1 }),
        created,
        activity,
      );
      const state = i % 6 < 4 ? 'open' : i % 6 === 4 ? 'snoozed' : 'closed';
      const assignee = assignees[i % 3]!;
      insertConversation.run(
        id,
        appId,
        personId,
        state,
        created,
        activity,
        // Far in the future: the bench measures lists, not the wake.
        state === 'snoozed' ? Date.UTC(2100, 0, 1) : null,
        assignee?.id ?? null,
        assignee?.id ?? null,
        assignee === null ? null : created,
        activity,
      );
      for (let m = 0; m < perConversation; m++) {
        const fromVisitor = m % 2 === 0;
        const lines = fromVisitor ? VISITOR_LINES : TEAM_LINES;
        insertMessage.run(
          `${id}-m${m}`,
          id,
          fromVisitor ? 'person' : 'team',
          fromVisitor ? null : (assignee ?? teammates.me).id,
          fromVisitor ? null : (assignee ?? teammates.me).name,
          `${lines[(i + m) % lines.length]} (#${i}.${m})`,
          activity - (perConversation - 1 - m) * 1_000,
        );
      }
    }
  })();
  db.close();
}
