import { type MessageParts, type MessengerView, messageParts, type ThreadMessage } from '@confab/core';
import type { ReactNode } from 'react';
import { reactProps as p } from './react-props';

/** What a `renderMessage` prop is given for one message: the message, who wrote it, its body as text and link segments, when, and "seen". */
export type MessageRenderProps = MessageParts;

export type RenderMessage = (props: MessageRenderProps) => ReactNode;

/** The panel's content for the current view: markup over core's getters (the DOM adapter's views, in React). */
export function PanelContent({ view, renderMessage }: { view: MessengerView; renderMessage?: RenderMessage }) {
  const { strings } = view;
  const error = view.error ? <div {...p(view.getErrorProps())}>{view.error}</div> : null;
  const recent = view.recentConversation;
  switch (view.view) {
    case 'home':
      return (
        <>
          <div {...p(view.getGreetingProps())}>
            <h3>{view.greeting}</h3>
            <p>{strings.intro}</p>
          </div>
          {error}
          <button {...p(view.getCardProps('new-message'))}>
            <strong>{strings.startConversation}</strong>
            <span {...p(view.getCardNoteProps())}>{strings.intro}</span>
          </button>
          {recent && (
            <button {...p(view.getCardProps('recent'))}>
              <strong>{strings.recentConversation}</strong>
              <span {...p(view.getCardNoteProps())}>{view.previewOf(recent)}</span>
            </button>
          )}
          <button {...p(view.getCardProps('all-conversations'))}>{strings.seeAllConversations}</button>
        </>
      );
    case 'messages':
      return (
        <>
          {error}
          {view.conversations.length === 0 ? (
            <p {...p(view.getEmptyProps())}>{strings.noConversations}</p>
          ) : (
            <ul {...p(view.getConversationListProps())}>
              {view.conversations.map((conversation) => (
                <li key={conversation.id}>
                  <button {...p(view.getConversationItemProps(conversation))}>
                    <span {...p(view.getConversationPreviewProps())}>{view.previewOf(conversation) || '…'}</span>
                    {conversation.unread_count > 0 && (
                      <span {...p(view.getUnreadMarkProps())}>{strings.unreadMark}</span>
                    )}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <button {...p(view.getCardProps('new-message'))}>{strings.startConversation}</button>
        </>
      );
    case 'conversation':
      return (
        <>
          {error}
          <ol {...p(view.getThreadProps())}>
            {view.threadLoading ? (
              <li {...p(view.getEmptyProps())}>{strings.loading}</li>
            ) : (
              view.thread!.messages.map((message) => (
                <MessageItem key={message.id} view={view} message={message} renderMessage={renderMessage} />
              ))
            )}
          </ol>
          {view.typing && <p {...p(view.getTypingProps())}>{view.typing}</p>}
          {view.emailPromptShown && (
            <form {...p(view.getEmailPromptProps())}>
              {/* biome-ignore lint/a11y/noLabelWithoutControl: the getter gives it `for` the input's id */}
              <label {...p(view.getEmailLabelProps())}>{strings.emailPrompt}</label>
              <input {...p(view.getEmailInputProps())} />
              <button {...p(view.getEmailSubmitProps())}>→</button>
            </form>
          )}
        </>
      );
    case 'newMessage':
      return (
        <>
          {error}
          <div {...p(view.getEmptyProps())}>{strings.intro}</div>
        </>
      );
    default:
      return null;
  }
}

function MessageItem({
  view,
  message,
  renderMessage,
}: {
  view: MessengerView;
  message: ThreadMessage;
  renderMessage: RenderMessage | undefined;
}) {
  const props = messageParts(view, message);
  const avatar = view.avatarOf(message);
  return (
    <li {...p(view.getMessageProps(message))}>
      {renderMessage ? (
        renderMessage(props)
      ) : (
        // Text and anchors only: a body is never parsed as markup.
        <>
          <span {...p(view.getMessageAuthorProps())}>
            {avatar &&
              (avatar.src ? (
                // biome-ignore lint/a11y/useAltText: the getter gives it the author's name as alt
                <img {...p(view.getAvatarProps(message))} />
              ) : (
                <span {...p(view.getAvatarProps(message))}>{avatar.initials}</span>
              ))}
            {props.author}
          </span>
          {props.segments.map((segment, index) =>
            segment.kind === 'text' ? (
              segment.text
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: segments have no identity but their place
              <a key={index} {...p(view.getMessageLinkProps(segment.href))}>
                {segment.text}
              </a>
            ),
          )}
          <time {...p(view.getTimeProps(message))}>{props.time}</time>
          {props.seen && <span {...p(view.getSeenProps())}>{view.strings.seen}</span>}
        </>
      )}
      {view.canRetry(message) && (
        <>
          <br />
          <button {...p(view.getRetryButtonProps(message))}>{view.strings.failedRetry}</button>
        </>
      )}
    </li>
  );
}
