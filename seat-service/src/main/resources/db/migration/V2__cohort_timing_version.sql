-- Compare-and-set for timing changes (extend, pause, resume, close): a change commits only over the
-- version it was computed from, and a failed change is undone only if nothing came after it.
ALTER TABLE cohorts ADD COLUMN timing_version bigint NOT NULL DEFAULT 0;
