package sqlite

// migrations are applied in order, each once, recorded in schema_migrations.
// Never edit a released migration: append a new one.
var migrations = []string{
	// 1: files, groups and their versions, the normalized projection of the
	// current version, and the status history.
	`
CREATE TABLE files (
	id            TEXT PRIMARY KEY,
	partner_id    TEXT NOT NULL,
	name          TEXT NOT NULL,
	sha256        TEXT NOT NULL,
	size          INTEGER NOT NULL,
	state         TEXT NOT NULL,
	outcome       TEXT NOT NULL DEFAULT '',
	disposition   TEXT NOT NULL DEFAULT '',
	groups_accepted INTEGER NOT NULL DEFAULT 0,
	groups_rejected INTEGER NOT NULL DEFAULT 0,
	error_count   INTEGER NOT NULL DEFAULT 0,
	duplicate_of  TEXT NOT NULL DEFAULT '',
	message       TEXT NOT NULL DEFAULT '',
	received_at   TEXT NOT NULL,
	processed_at  TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX files_partner_sha ON files(partner_id, sha256) WHERE duplicate_of = '';
CREATE INDEX files_partner_state ON files(partner_id, state);

CREATE TABLE groups (
	id                  TEXT PRIMARY KEY,
	partner_id          TEXT NOT NULL,
	external_identifier TEXT NOT NULL,
	carrier_id          TEXT NOT NULL,
	organization_name   TEXT NOT NULL,
	status              TEXT NOT NULL,
	status_datetime     TEXT NOT NULL,
	policy_number       TEXT NOT NULL DEFAULT '',
	version             INTEGER NOT NULL,
	transmitted_version INTEGER NOT NULL DEFAULT 0,
	content_hash        TEXT NOT NULL,
	errors              TEXT NOT NULL DEFAULT '',
	last_file_id        TEXT NOT NULL DEFAULT '',
	created_at          TEXT NOT NULL,
	updated_at          TEXT NOT NULL,
	UNIQUE (partner_id, external_identifier)
);
CREATE INDEX groups_carrier_status ON groups(carrier_id, status);

CREATE TABLE group_versions (
	group_id     TEXT NOT NULL REFERENCES groups(id),
	version      INTEGER NOT NULL,
	file_id      TEXT NOT NULL DEFAULT '',
	content_hash TEXT NOT NULL,
	data         BLOB NOT NULL,
	created_at   TEXT NOT NULL,
	PRIMARY KEY (group_id, version)
);

CREATE TABLE locations (
	id                  TEXT PRIMARY KEY,
	group_id            TEXT NOT NULL REFERENCES groups(id),
	external_identifier TEXT NOT NULL,
	type                TEXT NOT NULL DEFAULT '',
	is_primary          INTEGER NOT NULL,
	address_line_1      TEXT NOT NULL DEFAULT '',
	address_line_2      TEXT NOT NULL DEFAULT '',
	city                TEXT NOT NULL DEFAULT '',
	state               TEXT NOT NULL DEFAULT '',
	zip                 TEXT NOT NULL DEFAULT '',
	fips_county_code    TEXT NOT NULL DEFAULT '',
	UNIQUE (group_id, external_identifier)
);

CREATE TABLE subscribers (
	id                  TEXT PRIMARY KEY,
	group_id            TEXT NOT NULL REFERENCES groups(id),
	external_identifier TEXT NOT NULL,
	location_external_identifier TEXT NOT NULL DEFAULT '',
	first_name          TEXT NOT NULL DEFAULT '',
	last_name           TEXT NOT NULL DEFAULT '',
	birth_date          TEXT NOT NULL DEFAULT '',
	terminated          INTEGER NOT NULL DEFAULT 0,
	content_hash        TEXT NOT NULL,
	status              TEXT NOT NULL,
	status_datetime     TEXT NOT NULL,
	errors              TEXT NOT NULL DEFAULT '',
	UNIQUE (group_id, external_identifier)
);

CREATE TABLE dependents (
	id                  TEXT PRIMARY KEY,
	group_id            TEXT NOT NULL REFERENCES groups(id),
	subscriber_id       TEXT NOT NULL REFERENCES subscribers(id),
	external_identifier TEXT NOT NULL,
	first_name          TEXT NOT NULL DEFAULT '',
	last_name           TEXT NOT NULL DEFAULT '',
	birth_date          TEXT NOT NULL DEFAULT '',
	relationship        TEXT NOT NULL DEFAULT '',
	product_lines       TEXT NOT NULL DEFAULT '',
	end_date            TEXT NOT NULL DEFAULT '',
	UNIQUE (group_id, external_identifier)
);
CREATE INDEX dependents_subscriber ON dependents(subscriber_id);

CREATE TABLE enrollments (
	subscriber_id  TEXT NOT NULL REFERENCES subscribers(id),
	group_id       TEXT NOT NULL REFERENCES groups(id),
	product_line   TEXT NOT NULL,
	plan_id        TEXT NOT NULL,
	coverage_level TEXT NOT NULL DEFAULT '',
	start_date     TEXT NOT NULL DEFAULT '',
	end_date       TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (subscriber_id, product_line)
);
CREATE INDEX enrollments_group ON enrollments(group_id);

CREATE TABLE events (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	group_id      TEXT NOT NULL,
	subscriber_id TEXT NOT NULL DEFAULT '',
	at            TEXT NOT NULL,
	from_status   TEXT NOT NULL DEFAULT '',
	to_status     TEXT NOT NULL,
	reason        TEXT NOT NULL,
	source        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_group ON events(group_id, id);
`,
	// 2: carrier deliveries, control numbers and acknowledgements.
	`
CREATE TABLE counters (
	carrier_id TEXT NOT NULL,
	name       TEXT NOT NULL,
	value      INTEGER NOT NULL,
	PRIMARY KEY (carrier_id, name)
);

CREATE TABLE transmissions (
	id            TEXT PRIMARY KEY,
	carrier_id    TEXT NOT NULL,
	file_name     TEXT NOT NULL,
	format        TEXT NOT NULL,
	mode          TEXT NOT NULL,
	isa13         INTEGER NOT NULL DEFAULT 0,
	gs06          INTEGER NOT NULL DEFAULT 0,
	state         TEXT NOT NULL,
	ack_state     TEXT NOT NULL DEFAULT '',
	ack_result    TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	delivered_at  TEXT NOT NULL DEFAULT '',
	acked_at      TEXT NOT NULL DEFAULT '',
	members       INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX transmissions_file ON transmissions(carrier_id, file_name);
CREATE INDEX transmissions_isa13 ON transmissions(carrier_id, isa13);

CREATE TABLE transmission_groups (
	transmission_id TEXT NOT NULL REFERENCES transmissions(id),
	group_id        TEXT NOT NULL REFERENCES groups(id),
	version         INTEGER NOT NULL,
	base_version    INTEGER NOT NULL,
	st02            INTEGER NOT NULL DEFAULT 0,
	members         TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (transmission_id, group_id)
);
CREATE INDEX transmission_groups_group ON transmission_groups(group_id);

CREATE TABLE acks (
	id              TEXT PRIMARY KEY,
	carrier_id      TEXT NOT NULL,
	file_name       TEXT NOT NULL,
	sha256          TEXT NOT NULL,
	kind            TEXT NOT NULL,
	transmission_id TEXT NOT NULL DEFAULT '',
	result          TEXT NOT NULL DEFAULT '',
	received_at     TEXT NOT NULL,
	UNIQUE (carrier_id, sha256)
);
`,
	// 3: customer bundles, pending actions, and schedule bookkeeping.
	`
CREATE TABLE bundles (
	id           TEXT PRIMARY KEY,
	group_id     TEXT NOT NULL REFERENCES groups(id),
	content_hash TEXT NOT NULL,
	path         TEXT NOT NULL,
	delivered_at TEXT NOT NULL
);
CREATE INDEX bundles_group ON bundles(group_id, delivered_at);

CREATE TABLE pending_actions (
	group_id TEXT NOT NULL,
	kind     TEXT NOT NULL,
	message  TEXT NOT NULL,
	since    TEXT NOT NULL,
	PRIMARY KEY (group_id, kind)
);

CREATE TABLE schedule_runs (
	name     TEXT PRIMARY KEY,
	last_run TEXT NOT NULL
);
`,
	// 4: a subscriber's status history by subscriber, so the transmit
	// stage's look-up of the status before pending does not scan every
	// event (it was quadratic in the members of a delivery).
	`
CREATE INDEX events_subscriber ON events(subscriber_id, id);
`,
	// 5: the projection keeps what is queried. Enrollments were written
	// and never read (the version holds them); a subscriber's dependents
	// are only ever listed with it, by id (GroupIDs), so they move into a
	// column of the subscriber: a JSON array of [external_identifier, id]
	// pairs in external identifier order, '' for none (dependentIDs). At a
	// million members the two tables were a third of the database and of
	// an intake's writing.
	`
ALTER TABLE subscribers ADD COLUMN dependent_ids TEXT NOT NULL DEFAULT '';
UPDATE subscribers SET dependent_ids = COALESCE(NULLIF((
	SELECT json_group_array(json_array(ext, id)) FROM (
		SELECT d.external_identifier AS ext, d.id AS id FROM dependents d
		WHERE d.subscriber_id = subscribers.id ORDER BY d.external_identifier)), '[]'), '');
DROP TABLE enrollments;
DROP TABLE dependents;
`,
	// 6: the digest of the rows a group's current version was read from
	// (with the mapping, the carrier's rules and the build that read
	// them), so that a file sending the group again unchanged is known as
	// such without mapping and validating it again (engine/intake).
	`
ALTER TABLE groups ADD COLUMN source_digest TEXT NOT NULL DEFAULT '';
`,
	// 7: the HTTP API (DESIGN.md §13). A request is recorded as a file of
	// source api; only dropped files are claimed by content. The answers
	// to requests with an Idempotency-Key are kept for a day.
	`
ALTER TABLE files ADD COLUMN source TEXT NOT NULL DEFAULT '';
DROP INDEX files_partner_sha;
CREATE UNIQUE INDEX files_partner_sha ON files(partner_id, sha256) WHERE duplicate_of = '' AND source = '';
CREATE TABLE idempotency (
	caller       TEXT NOT NULL,
	key          TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status       INTEGER NOT NULL,
	body         BLOB NOT NULL,
	created_at   TEXT NOT NULL,
	PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);
`,
	// 8: groups a file's rejection kept out of the store, so analysts
	// still see them (DESIGN.md §6 "rejected intakes"); '' for a file
	// rejected before any group could be read.
	`
CREATE TABLE rejected_intakes (
	file_id TEXT NOT NULL,
	partner_id TEXT NOT NULL,
	file_name TEXT NOT NULL,
	group_external_id TEXT NOT NULL,
	error_count INTEGER NOT NULL,
	at TEXT NOT NULL,
	PRIMARY KEY (file_id, group_external_id)
);
CREATE INDEX rejected_intakes_at ON rejected_intakes(at);
`,
	// 9: the LDEx push outbox (store.Outbox): bundles waiting to be
	// POSTed to a partner's push.url, queued with the bundle's record.
	`
CREATE TABLE push_outbox (
	id           TEXT PRIMARY KEY,
	partner_id   TEXT NOT NULL,
	group_id     TEXT NOT NULL,
	body         BLOB NOT NULL,
	state        TEXT NOT NULL,
	attempts     INTEGER NOT NULL,
	next_attempt TEXT NOT NULL,
	last_error   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	done_at      TEXT NOT NULL
);
CREATE INDEX push_outbox_due ON push_outbox(partner_id, state, next_attempt);
`,
	// 10: carrier-facing keys (DESIGN.md §7). A group's carrier key is
	// assigned at creation (model.GroupKey, unique per carrier). A group
	// already sent keeps what the carrier saw: its external identifier
	// as key, its members their external identifiers (legacy).
	`
ALTER TABLE groups ADD COLUMN carrier_group_key TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN legacy_member_keys INTEGER NOT NULL DEFAULT 0;
UPDATE groups SET carrier_group_key = external_identifier, legacy_member_keys = 1 WHERE transmitted_version > 0;
UPDATE groups SET carrier_group_key = substr(upper(replace(replace(replace(replace(replace(replace(
	partner_id || '-' || external_identifier, '.', '-'), ' ', '-'), '*', '-'), '~', '-'), ':', '-'), '^', '-')), 1, 30)
	WHERE transmitted_version = 0;
CREATE INDEX groups_carrier_key ON groups(carrier_id, carrier_group_key);
`,
	// 11: partner source files deleted by retention (store.Deletions).
	`
CREATE TABLE deletions (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	partner_id TEXT NOT NULL,
	name       TEXT NOT NULL,
	mod_time   TEXT NOT NULL,
	size       INTEGER NOT NULL,
	at         TEXT NOT NULL,
	reason     TEXT NOT NULL
);
CREATE INDEX deletions_partner ON deletions(partner_id, id);
`,
}
