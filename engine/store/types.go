package store

import (
	"errors"
	"time"

	"github.com/onboard/onboard/engine/model"
)

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("not found")

// ErrNotReplayable is returned by ReopenFile for a file that was not rejected.
var ErrNotReplayable = errors.New("only a rejected or held file can be replayed")

// File states.
const (
	FileProcessing = "processing" // claimed; work in progress (or interrupted)
	FileStored     = "stored"     // outcome committed; result files and the move may be pending
	FileDone       = "done"       // result written and source moved
)

// File outcomes (DESIGN.md §6).
const (
	OutcomeAccepted          = "accepted"
	OutcomePartiallyAccepted = "partially_accepted"
	OutcomeRejected          = "rejected"
	OutcomeDuplicate         = "duplicate"
	// OutcomeHeld: a full census the termination guard holds until the
	// partner sends another file or an operator approves it.
	OutcomeHeld = "held"
)

// FileRecord is one partner file onboard has taken.
type FileRecord struct {
	ID             string
	PartnerID      string
	Name           string
	SHA256         string
	Size           int64
	State          string
	Outcome        string
	Disposition    string // archive | failed
	GroupsAccepted int
	GroupsRejected int
	ErrorCount     int
	DuplicateOf    string
	Message        string
	ReceivedAt     time.Time
	ProcessedAt    time.Time
	// Source is "" for a partner's dropped file, SourceAPI for an API
	// request (its Name is api/REQUEST-ID.json). Only dropped files are
	// claimed by content: an API request that repeats another's body is
	// decided again (unchanged), not a duplicate.
	Source string
}

// SourceAPI is the source of a file recorded for an API request.
const SourceAPI = "api"

// Claim says what ClaimFile found.
type Claim int

// Claims.
const (
	// ClaimNew: the content was never seen; a new record is processing.
	ClaimNew Claim = iota
	// ClaimRetry: an earlier attempt was interrupted before its outcome was
	// committed; process again under the same record.
	ClaimRetry
	// ClaimFinish: the outcome is committed but the result files or the
	// move were interrupted; finish them, do not apply again.
	ClaimFinish
	// ClaimDuplicate: the content was processed before.
	ClaimDuplicate
)

// FileResult is the committed outcome of a file.
type FileResult struct {
	Outcome        string
	Disposition    string
	GroupsAccepted int
	GroupsRejected int
	ErrorCount     int
	Message        string
}

// FileFilter selects files.
type FileFilter struct {
	PartnerID string
	State     string
	Limit     int
}

// GroupRecord is the state of a group: its current version and status.
type GroupRecord struct {
	ID                 string
	PartnerID          string
	ExternalIdentifier string
	CarrierID          string
	OrganizationName   string
	Status             model.Status
	StatusDatetime     time.Time
	PolicyNumber       string
	Version            int
	TransmittedVersion int
	ContentHash        string
	Errors             []model.Error
	LastFileID         string
	CreatedAt          time.Time
	UpdatedAt          time.Time
	// SourceDigest identifies what the current version was read from
	// (Save.SourceDigest); "" when unknown.
	SourceDigest string
	// CarrierGroupKey is the group's key at its carrier, unique per
	// carrier, assigned at creation; LegacyMemberKeys: the group was sent
	// before carrier keys existed and its members keep their external
	// identifiers at the carrier (model.Group's fields of the same names).
	CarrierGroupKey  string
	LegacyMemberKeys bool
}

// GroupFilter selects groups; empty fields match everything.
type GroupFilter struct {
	PartnerID string
	CarrierID string
	Status    model.Status
	// Untransmitted selects groups whose current version was not yet sent.
	Untransmitted bool
}

// SubscriberRecord is the state of one subscriber of a group's current version.
type SubscriberRecord struct {
	ID                 string
	GroupID            string
	ExternalIdentifier string
	FirstName          string
	LastName           string
	Terminated         bool
	ContentHash        string
	Status             model.Status
	StatusDatetime     time.Time
	Errors             []model.Error
}

// Save describes a new accepted version of a group.
type Save struct {
	FileID      string
	ContentHash string
	// SubscriberHashes maps each subscriber's external identifier to a
	// hash of its content; a subscriber whose hash changed (or is new)
	// becomes pending, the others keep their status.
	SubscriberHashes map[string]string
	Reason           string
	Source           string
	// SourceDigest identifies what the version was read from, so that the
	// same rows sent again are known unchanged (see engine/intake); ""
	// when the reader gives none.
	SourceDigest string
}

// Event is one status change in a group's history.
type Event struct {
	ID           int64
	GroupID      string
	SubscriberID string
	// Subscriber is the subscriber's external identifier (read side only).
	Subscriber string
	At         time.Time
	From       model.Status
	To         model.Status
	Reason     string
	Source     string
}

// Transmission states.
const (
	TransmissionBuilding  = "building"  // recorded; the file may or may not be in the inbox
	TransmissionDelivered = "delivered" // the file is in the carrier's inbox
)

// Ack states of a transmission.
const (
	AckNone     = ""
	AckAccepted = "accepted" // syntax accepted (999 A/E), no final answer yet
	AckRejected = "rejected"
	AckFinal    = "final" // a final answer (result file, or 999 when synced_on 999)
)

// TransmissionRecord is one delivery to a carrier.
type TransmissionRecord struct {
	ID          string
	CarrierID   string
	FileName    string
	Format      string
	Mode        string
	ISA13       int64
	GS06        int64
	State       string
	AckState    string
	AckResult   string
	CreatedAt   time.Time
	DeliveredAt time.Time
	AckedAt     time.Time
	Members     int
}

// AwaitsAck reports whether the transmission is delivered and still waits
// for its final acknowledgement (none yet, or a syntax acceptance only):
// what keeps the groups it carried submitted (DESIGN.md §4).
func (t TransmissionRecord) AwaitsAck() bool {
	return t.State == TransmissionDelivered && (t.AckState == AckNone || t.AckState == AckAccepted)
}

// TransmissionGroup is one group's part of a transmission.
type TransmissionGroup struct {
	TransmissionID string
	GroupID        string
	Version        int
	BaseVersion    int
	ST02           int64
	// Members is opaque to the store: the transmit stage records which
	// members it sent and where (EncodeMembers).
	Members []byte
}

// TransmissionFilter selects transmissions.
type TransmissionFilter struct {
	CarrierID string
	State     string
	// Unacknowledged selects delivered transmissions without a final or
	// rejecting acknowledgement.
	Unacknowledged bool
}

// AckRecord is one acknowledgement file taken from a carrier.
type AckRecord struct {
	ID             string
	CarrierID      string
	FileName       string
	SHA256         string
	Kind           string
	TransmissionID string
	Result         string
	ReceivedAt     time.Time
}

// BundleRecord is one LDEx bundle delivered for a group.
type BundleRecord struct {
	ID          string
	GroupID     string
	ContentHash string
	Path        string
	DeliveredAt time.Time
}

// PendingAction is something a person must do for a group.
type PendingAction struct {
	GroupID string
	Kind    string
	Message string
	Since   time.Time
}

// IdempotencyWindow is how long an Idempotency-Key's answer is kept.
const IdempotencyWindow = 24 * time.Hour

// IdempotentAnswer is the answer an API request with an Idempotency-Key
// was given, kept so that the same key and body get it again.
type IdempotentAnswer struct {
	// Caller is the key owner's id (a partner's or an analyst's).
	Caller string
	Key    string
	// RequestHash identifies the request (method, path and body): the same
	// key with another request is a conflict.
	RequestHash string
	Status      int
	Body        []byte
	CreatedAt   time.Time
}

// RejectedIntake is a group a partner sent that a rejection kept out of
// the store, or a file rejected before any group was read
// (GroupExternalID "").
type RejectedIntake struct {
	PartnerID       string
	FileID          string
	File            string
	GroupExternalID string
	ErrorCount      int
	At              time.Time
}

// GroupIDs are the ids onboard assigned within a group's current version,
// with each subscriber's status, in the version's canonical order: the
// primary location first, then secondary locations, subscribers and each
// subscriber's dependents by external identifier.
type GroupIDs struct {
	Locations   []IDRef
	Subscribers []SubscriberIDs
}

// IDRef pairs a partner's external identifier with onboard's id.
type IDRef struct {
	ExternalIdentifier string
	ID                 string
}

// SubscriberIDs are a subscriber's ids and status.
type SubscriberIDs struct {
	ExternalIdentifier string
	ID                 string
	Status             model.Status
	Dependents         []IDRef
}
