-- Seat cohorts: PostgreSQL is the system of record and the final guard; Redis holds the live quota.

CREATE TABLE cohorts (
    id            uuid        PRIMARY KEY,
    owner_id      text        NOT NULL CHECK (length(owner_id) BETWEEN 1 AND 128),
    title         text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    seats         integer     NOT NULL CHECK (seats BETWEEN 1 AND 10000),
    opens_at      timestamptz NOT NULL,
    deadline      timestamptz NOT NULL,
    paused_at     timestamptz,
    closed        boolean     NOT NULL DEFAULT false,
    hold_ttl_ms   integer     NOT NULL CHECK (hold_ttl_ms BETWEEN 100 AND 3600000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cohorts_deadline_after_open CHECK (deadline > opens_at)
);

-- One row per seat: the seat map. Holds reference it, so a seat number outside 0..seats-1
-- cannot be held at all.
CREATE TABLE cohort_seats (
    cohort_id  uuid    NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    seat_no    integer NOT NULL CHECK (seat_no >= 0),
    label      text    NOT NULL CHECK (length(label) BETWEEN 1 AND 40),
    PRIMARY KEY (cohort_id, seat_no),
    UNIQUE (cohort_id, label)
);

CREATE TABLE holds (
    id            uuid        PRIMARY KEY,
    cohort_id     uuid        NOT NULL,
    user_id       text        NOT NULL CHECK (length(user_id) BETWEEN 1 AND 128),
    seat_no       integer     NOT NULL,
    state         text        NOT NULL CHECK (state IN ('held', 'confirmed', 'released', 'expired')),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    confirmed_at  timestamptz,
    ended_at      timestamptz,
    FOREIGN KEY (cohort_id, seat_no) REFERENCES cohort_seats (cohort_id, seat_no),
    CONSTRAINT holds_confirmed_has_time CHECK (state <> 'confirmed' OR confirmed_at IS NOT NULL)
);

-- The final guard against overselling: among active holds (held or confirmed) a seat appears
-- once and a user appears once per cohort. Together with the seat map above, a cohort can never
-- have more than `seats` active holds, whatever Redis believes.
CREATE UNIQUE INDEX holds_one_active_per_seat ON holds (cohort_id, seat_no) WHERE state IN ('held', 'confirmed');
CREATE UNIQUE INDEX holds_one_active_per_user ON holds (cohort_id, user_id) WHERE state IN ('held', 'confirmed');
CREATE INDEX holds_expiring ON holds (expires_at) WHERE state = 'held';
CREATE INDEX holds_confirmed_at ON holds (cohort_id, confirmed_at) WHERE confirmed_at IS NOT NULL;
CREATE INDEX holds_created ON holds (cohort_id, created_at);
