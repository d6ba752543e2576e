// The id a reply or note is sent with, made once and sent again by every retry, so the server
// stores it once however many answers were lost (API.md, "Retries"). crypto.randomUUID exists
// only in secure contexts (https, localhost); on plain http, 128 random bits from
// crypto.getRandomValues (which every context has) in hex serve as well.
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
