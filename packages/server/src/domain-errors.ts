// What the server's services and store refuse, in their own terms: a code and what it is about.
// They know nothing of HTTP: errors.ts maps each code to the API's answer.

export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/** The session ended (logout, expiry) while a request of it was under way: nothing was written. */
export class SessionEndedError extends DomainError {
  readonly code = 'session_ended';
  constructor() {
    super('the session is unknown, expired or revoked: boot again');
    this.name = 'SessionEndedError';
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';
  constructor(readonly what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

/** A write would take a person (or their company) past the custom attributes they may hold: nothing was written. */
export class LimitError extends DomainError {
  readonly code = 'custom_attributes_limit';
  constructor(
    readonly holder: 'person' | 'company',
    readonly limit: number,
    readonly wouldHave: number,
  ) {
    super(`a ${holder} may have at most ${limit} custom attributes; this call would make ${wouldHave}`);
    this.name = 'LimitError';
  }
}

/** An update named a user other than the session's: it would write one person's proof on another. */
export class IdentityConflictError extends DomainError {
  readonly code = 'identity_conflict';
  constructor(message: string) {
    super(message);
    this.name = 'IdentityConflictError';
  }
}

/** Identity verification is on and the request's proof of who it names is missing or wrong. */
export class IdentityUnprovenError extends DomainError {
  readonly code = 'identity_unproven';
  constructor(
    /** The proof at fault. */
    readonly proof: 'user_hash' | 'intercom_user_jwt',
    message: string,
  ) {
    super(message);
    this.name = 'IdentityUnprovenError';
  }
}

/** Every refusal there is; its `code` tells them apart. */
export type AnyDomainError =
  | SessionEndedError
  | NotFoundError
  | LimitError
  | IdentityConflictError
  | IdentityUnprovenError;
