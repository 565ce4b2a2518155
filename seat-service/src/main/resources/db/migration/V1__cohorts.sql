-- Seat cohorts: PostgreSQL is the system of record; Redis holds the live quota.

CREATE TABLE cohorts (
    id          uuid        PRIMARY KEY,
    owner_id    text        NOT NULL,
    title       text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    seats       integer     NOT NULL CHECK (seats > 0),
    opens_at    timestamptz NOT NULL,
    deadline    timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cohorts_deadline_after_open CHECK (deadline > opens_at)
);
