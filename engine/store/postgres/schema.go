package postgres

import "strings"

// migrations are applied in order, each once, recorded in
// schema_migrations, under an advisory lock so that daemons starting
// together migrate once. Never edit a released migration: append one.
//
// Version 1 is the shape the SQLite store reached in its own migrations
// 1 to 8, version 2 its 9 and 10, version 3 its 11. Timestamps are kept as the same fixed-width UTC text as in
// SQLite, so both stores order and compare them alike; every text column
// collates by bytes ("C"), as SQLite's BINARY does, so that listings come
// back in the order canonical versions use whatever the database's locale.
var migrations = []string{
	collateC(`
CREATE TABLE files (
	id            TEXT PRIMARY KEY,
	partner_id    TEXT NOT NULL,
	name          TEXT NOT NULL,
	sha256        TEXT NOT NULL,
	size          BIGINT NOT NULL,
	state         TEXT NOT NULL,
	outcome       TEXT NOT NULL DEFAULT '',
	disposition   TEXT NOT NULL DEFAULT '',
	groups_accepted INTEGER NOT NULL DEFAULT 0,
	groups_rejected INTEGER NOT NULL DEFAULT 0,
	error_count   INTEGER NOT NULL DEFAULT 0,
	duplicate_of  TEXT NOT NULL DEFAULT '',
	message       TEXT NOT NULL DEFAULT '',
	received_at   TEXT NOT NULL,
	processed_at  TEXT NOT NULL DEFAULT '',
	source        TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX files_partner_sha ON files(partner_id, sha256) WHERE duplicate_of = '' AND source = '';
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
	source_digest       TEXT NOT NULL DEFAULT '',
	UNIQUE (partner_id, external_identifier)
);
CREATE INDEX groups_carrier_status ON groups(carrier_id, status);

CREATE TABLE group_versions (
	group_id     TEXT NOT NULL REFERENCES groups(id),
	version      INTEGER NOT NULL,
	file_id      TEXT NOT NULL DEFAULT '',
	content_hash TEXT NOT NULL,
	data         BYTEA NOT NULL,
	created_at   TEXT NOT NULL,
	PRIMARY KEY (group_id, version)
);

CREATE TABLE locations (
	id                  TEXT PRIMARY KEY,
	group_id            TEXT NOT NULL REFERENCES groups(id),
	external_identifier TEXT NOT NULL,
	type                TEXT NOT NULL DEFAULT '',
	is_primary          BOOLEAN NOT NULL,
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
	terminated          BOOLEAN NOT NULL DEFAULT false,
	content_hash        TEXT NOT NULL,
	status              TEXT NOT NULL,
	status_datetime     TEXT NOT NULL,
	errors              TEXT NOT NULL DEFAULT '',
	dependent_ids       TEXT NOT NULL DEFAULT '',
	UNIQUE (group_id, external_identifier)
);

CREATE TABLE events (
	id            BIGSERIAL PRIMARY KEY,
	group_id      TEXT NOT NULL,
	subscriber_id TEXT NOT NULL DEFAULT '',
	at            TEXT NOT NULL,
	from_status   TEXT NOT NULL DEFAULT '',
	to_status     TEXT NOT NULL,
	reason        TEXT NOT NULL,
	source        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_group ON events(group_id, id);
CREATE INDEX events_subscriber ON events(subscriber_id, id);

CREATE TABLE counters (
	carrier_id TEXT NOT NULL,
	name       TEXT NOT NULL,
	value      BIGINT NOT NULL,
	PRIMARY KEY (carrier_id, name)
);

CREATE TABLE transmissions (
	id            TEXT PRIMARY KEY,
	seq           BIGSERIAL NOT NULL,
	carrier_id    TEXT NOT NULL,
	file_name     TEXT NOT NULL,
	format        TEXT NOT NULL,
	mode          TEXT NOT NULL,
	isa13         BIGINT NOT NULL DEFAULT 0,
	gs06          BIGINT NOT NULL DEFAULT 0,
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
	st02            BIGINT NOT NULL DEFAULT 0,
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
CREATE INDEX acks_transmission ON acks(transmission_id);

CREATE TABLE bundles (
	id           TEXT PRIMARY KEY,
	seq          BIGSERIAL NOT NULL,
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

CREATE TABLE idempotency (
	caller       TEXT NOT NULL,
	key          TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status       INTEGER NOT NULL,
	body         BYTEA NOT NULL,
	created_at   TEXT NOT NULL,
	PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_created ON idempotency(created_at);

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
`),
	// 2: the LDEx push outbox and carrier-facing keys (the SQLite store's
	// migrations 9 and 10; no PostgreSQL state predates them, so no group
	// was sent under older keys).
	collateC(`
CREATE TABLE push_outbox (
	id           TEXT PRIMARY KEY,
	partner_id   TEXT NOT NULL,
	group_id     TEXT NOT NULL,
	body         BYTEA NOT NULL,
	state        TEXT NOT NULL,
	attempts     INTEGER NOT NULL,
	next_attempt TEXT NOT NULL,
	last_error   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	done_at      TEXT NOT NULL
);
CREATE INDEX push_outbox_due ON push_outbox(partner_id, state, next_attempt);
ALTER TABLE groups ADD COLUMN carrier_group_key TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN legacy_member_keys BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX groups_carrier_key ON groups(carrier_id, carrier_group_key);
`),
	// 3: partner source files deleted by retention (the SQLite store's
	// migration 11).
	collateC(`
CREATE TABLE deletions (
	id         BIGSERIAL PRIMARY KEY,
	partner_id TEXT NOT NULL,
	name       TEXT NOT NULL,
	mod_time   TEXT NOT NULL,
	size       BIGINT NOT NULL,
	at         TEXT NOT NULL,
	reason     TEXT NOT NULL
);
CREATE INDEX deletions_partner ON deletions(partner_id, id);
`),
}

// collateC gives every text column of a schema byte-order collation.
func collateC(ddl string) string { return strings.ReplaceAll(ddl, " TEXT ", ` TEXT COLLATE "C" `) }
