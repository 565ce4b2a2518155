-- Chat system of record: conversations, their members, and every message with its
-- per-conversation sequence number.

CREATE TABLE conversations (
    id          text        PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('direct', 'group')),
    title       text,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversation_members (
    conversation_id text        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         text        NOT NULL,
    joined_at       timestamptz NOT NULL DEFAULT now(),
    -- highest seq this member has read; unread = max seq - read_seq, never negative
    read_seq        bigint      NOT NULL DEFAULT 0 CHECK (read_seq >= 0),
    PRIMARY KEY (conversation_id, user_id)
);

CREATE INDEX conversation_members_by_user ON conversation_members (user_id);

CREATE TABLE messages (
    id               uuid        PRIMARY KEY,          -- UUIDv7, assigned by ws-service
    conversation_id  text        NOT NULL,
    seq              bigint      NOT NULL CHECK (seq > 0),
    sender_id        text        NOT NULL,
    client_msg_id    text        NOT NULL,
    body             text        NOT NULL,
    sent_at          timestamptz NOT NULL,
    stored_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT messages_conversation_seq UNIQUE (conversation_id, seq)
);
