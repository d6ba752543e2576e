// What a browser's boot and update do beyond the HTTP call: the identity's proof is checked (a
// user JWT's claims replace what the page sent unsigned), then the store records it.
import type { BootRequest, BootResponse, PersonAttributes, UpdateRequest, UpdateResponse } from '@confab/core/protocol';
import type { ServerContext } from '../context';
import type { SessionRecord } from '../store';
import { type VerifiedIdentity, verifyIdentity } from './identity-verification';

/** A signed name claim wins over the name the page sent unsigned. */
function withSignedName(attributes: PersonAttributes, verified: VerifiedIdentity): PersonAttributes {
  return verified.name === undefined ? attributes : { ...attributes, name: verified.name };
}

export async function bootMessenger(context: ServerContext, request: BootRequest): Promise<BootResponse> {
  const { store, now } = context;
  const verified = await verifyIdentity(context.secret, request.identity, now(), 'boot');
  const result = await store.boot(
    { ...request, identity: verified.identity, attributes: withSignedName(request.attributes, verified) },
    now(),
    verified.emailTrust,
  );
  return {
    session: { app_id: request.app_id, token: result.token, expires_at: result.expires_at },
    person: result.person,
    unread_count: result.unread_count,
    conversations: result.conversations,
    settings: context.messengerSettings,
  };
}

export async function updatePerson(
  context: ServerContext,
  session: SessionRecord,
  request: UpdateRequest,
): Promise<UpdateResponse> {
  const { store, now } = context;
  const verified = await verifyIdentity(context.secret, request.identity, now(), 'update');
  return store.update(
    session,
    { ...request, identity: verified.identity, attributes: withSignedName(request.attributes, verified) },
    now(),
    verified.emailTrust,
  );
}
