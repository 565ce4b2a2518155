-- Chat system of record: conversations, their members, and every message with its
-- per-conversation sequence number.

CREATE TABLE conversations (
    id          text        PRIMARY KEY,             -- 'd:<a>:<b>' (direct) or a UUIDv7 (group)
    kind        text        NOT NULL CHECK (kind IN ('direct', 'group')),
    title       text        CHECK (title IS NULL OR char_length(title) BETWEEN 1 AND 200),
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- "my conversations, newest first"
CREATE INDEX conversations_by_created ON conversations (created_at DESC, id DESC);

CREATE TABLE conversation_members (
    conversation_id text        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         text        NOT NULL,
    joined_at       timestamptz NOT NULL DEFAULT now(),
    -- highest seq this member has read; unread = max seq - read_seq, never negative
    read_seq        bigint      NOT NULL DEFAULT 0 CHECK (read_seq >= 0),
    PRIMARY KEY (conversation_id, user_id)
);

CREATE INDEX conversation_members_by_user ON conversation_members (user_id);

-- No foreign key to conversations: a sequenced message is durable in Kafka already and must be
-- stored even if its conversation row were missing; one bad reference must not block a batch.
CREATE TABLE messages (
    id               uuid        PRIMARY KEY,          -- UUIDv7, assigned by ws-service
    conversation_id  text        NOT NULL,
    seq              bigint      NOT NULL CHECK (seq > 0),
    sender_id        text        NOT NULL,
    sender_device    text,
    sender_pod       text,
    client_msg_id    text        NOT NULL,
    body             text        NOT NULL,
    sent_at          timestamptz NOT NULL,
    stored_at        timestamptz NOT NULL DEFAULT now(),
    -- also the index history pages read by: (conversation_id, seq) range scans
    CONSTRAINT messages_conversation_seq UNIQUE (conversation_id, seq)
);
