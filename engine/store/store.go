package store

import (
	"context"
	"time"

	"github.com/onboard/onboard/engine/model"
)

// Reader is the read side, available both outside and inside a transaction.
type Reader interface {
	File(ctx context.Context, id string) (*FileRecord, error)
	Files(ctx context.Context, f FileFilter) ([]FileRecord, error)

	Group(ctx context.Context, id string) (*GroupRecord, error)
	// GroupByExternal returns ErrNotFound when the partner has no such group.
	GroupByExternal(ctx context.Context, partnerID, externalID string) (*GroupRecord, error)
	Groups(ctx context.Context, f GroupFilter) ([]GroupRecord, error)
	// Version returns an accepted version of a group as it was stored.
	Version(ctx context.Context, groupID string, version int) (*model.Group, error)
	// CurrentGroup returns the current version with ids, statuses, errors
	// and policy number filled in from the state.
	CurrentGroup(ctx context.Context, groupID string) (*model.Group, *GroupRecord, error)
	Subscribers(ctx context.Context, groupID string) ([]SubscriberRecord, error)
	// SubscriberStatuses returns the status of each subscriber of a group
	// by external identifier: Subscribers without the rest of each record,
	// for the stages that look at every member of a large group.
	SubscriberStatuses(ctx context.Context, groupID string) (map[string]model.Status, error)
	// SubscriberStatusCounts returns how many subscribers of a group hold
	// each status (statuses no subscriber holds are absent).
	SubscriberStatusCounts(ctx context.Context, groupID string) (map[model.Status]int, error)
	Events(ctx context.Context, groupID string) ([]Event, error)

	Transmission(ctx context.Context, id string) (*TransmissionRecord, error)
	TransmissionByISA13(ctx context.Context, carrierID string, isa13 int64) (*TransmissionRecord, error)
	TransmissionByFile(ctx context.Context, carrierID, fileName string) (*TransmissionRecord, error)
	Transmissions(ctx context.Context, f TransmissionFilter) ([]TransmissionRecord, error)
	TransmissionGroups(ctx context.Context, transmissionID string) ([]TransmissionGroup, error)
	// GroupTransmissions lists the transmissions that carried a group, newest first.
	GroupTransmissions(ctx context.Context, groupID string) ([]TransmissionRecord, error)
	AckBySHA(ctx context.Context, carrierID, sha256 string) (*AckRecord, error)
	// GroupAcks lists acknowledgements of transmissions that carried a group, newest first.
	GroupAcks(ctx context.Context, groupID string) ([]AckRecord, error)

	// GroupIDs lists a group's ids from the projection of its current
	// version, without decoding the version: the intake answers an
	// unchanged group with them.
	GroupIDs(ctx context.Context, groupID string) (*GroupIDs, error)

	LastBundle(ctx context.Context, groupID string) (*BundleRecord, error)
	PendingActions(ctx context.Context, groupID string) ([]PendingAction, error)
	LastRun(ctx context.Context, name string) (time.Time, error)

	// GroupExternalIDs lists the external identifiers of a partner's
	// groups: GroupByExternal's keys, without the records (intake looks
	// for identifiers equal but for case once per document, and an API
	// request is a document of one group).
	GroupExternalIDs(ctx context.Context, partnerID string) ([]string, error)
	// Subscriber returns a subscriber of a group's current version by its
	// id; ErrNotFound when there is none.
	Subscriber(ctx context.Context, id string) (*SubscriberRecord, error)
	// IdempotentAnswer returns the answer stored for a caller's
	// Idempotency-Key; ErrNotFound when there is none.
	IdempotentAnswer(ctx context.Context, caller, key string) (*IdempotentAnswer, error)
	// RejectedIntakes lists the most recent rejection of each group that
	// is still not in the store (and of files rejected before any group
	// was read), newest first, at most limit; partnerID "" for every
	// partner's.
	RejectedIntakes(ctx context.Context, partnerID string, limit int) ([]RejectedIntake, error)
	// GroupHistory returns the group-level status events of a group (its
	// subscribers' left out), the latest limit of them, oldest first.
	GroupHistory(ctx context.Context, groupID string, limit int) ([]Event, error)

	// Outbox reads the LDEx push outbox (outbox.go).
	Outbox
	// Deletions reads what the retention sweep deleted (retention.go).
	Deletions
}

// Tx is a write transaction. Every status change it makes records an event.
type Tx interface {
	Reader
	// OutboxTx writes the LDEx push outbox (outbox.go).
	OutboxTx
	// DeletionTx records a retention deletion (retention.go).
	DeletionTx

	// SetFileResult commits a file's outcome (state stored).
	SetFileResult(ctx context.Context, fileID string, r FileResult) error

	// SaveGroup stores g (ids assigned) as a new version of its group,
	// creating the group when g.ID is new, and refreshes the projection and
	// statuses (see Save).
	SaveGroup(ctx context.Context, g *model.Group, s Save) (*GroupRecord, error)
	// SetSubscriberStatus moves a subscriber to a status with its
	// outstanding errors (nil clears them).
	SetSubscriberStatus(ctx context.Context, groupID, subscriberExt string, to model.Status, errs []model.Error, reason, source string) error
	// SetGroupErrors sets the group-level outstanding errors (nil clears).
	SetGroupErrors(ctx context.Context, groupID string, errs []model.Error) error
	// RefreshGroupStatus derives the group's status from its own errors and
	// its subscribers (DESIGN.md §4) and records an event when it changes.
	RefreshGroupStatus(ctx context.Context, groupID, reason, source string) (model.Status, error)
	SetPolicyNumber(ctx context.Context, groupID, policyNumber string) error
	// SetSourceDigest records what a group's current version is now known
	// to be read from (a file that sent it again unchanged in other rows).
	SetSourceDigest(ctx context.Context, groupID, digest string) error

	// NextControl reserves n consecutive control numbers of a kind (isa13,
	// gs06, st02) for a carrier and returns the first. Numbers are never
	// reused.
	NextControl(ctx context.Context, carrierID, kind string, n int) (int64, error)
	CreateTransmission(ctx context.Context, t TransmissionRecord, groups []TransmissionGroup) error
	// MarkDelivered records that a transmission's file is in the inbox and
	// that its groups' versions are now the transmitted ones.
	MarkDelivered(ctx context.Context, transmissionID string, at time.Time) error
	// AddTransmissionGroups records groups of a transmission created
	// earlier in the same transaction (CreateTransmission with no groups),
	// so that a transmission written group by group records each as it
	// goes and never holds every group's members at once.
	AddTransmissionGroups(ctx context.Context, transmissionID string, groups ...TransmissionGroup) error
	// SetTransmissionMembers sets the member count of a transmission
	// recorded group by group.
	SetTransmissionMembers(ctx context.Context, transmissionID string, members int) error
	// TransmissionGroupMembers returns the members recorded for one group
	// of a transmission (TransmissionGroup.Members); ErrNotFound when the
	// transmission did not carry the group.
	TransmissionGroupMembers(ctx context.Context, transmissionID, groupID string) ([]byte, error)
	// AdvanceTransmitted records that a version of a group needs nothing
	// sent to its carrier (no member change): the group's transmitted
	// version moves to version without a transmission. It reports whether
	// it moved; false when the group was already at or past version.
	AdvanceTransmitted(ctx context.Context, groupID string, version int) (bool, error)
	// PendingSubscribers returns the pending subscribers of a group by
	// external identifier, each with the status it held before it last
	// became pending ("" when it has been pending since it was created).
	PendingSubscribers(ctx context.Context, groupID string) (map[string]model.Status, error)
	// SetSubscribersStatus moves the listed subscribers of a group to a
	// status with no outstanding errors, as SetSubscriberStatus does for
	// each in the order listed; identifiers that name no subscriber of the
	// group are skipped.
	SetSubscribersStatus(ctx context.Context, groupID string, subscriberExts []string, to model.Status, reason, source string) error
	SetTransmissionAck(ctx context.Context, transmissionID, ackState, result string, at time.Time) error
	RecordAck(ctx context.Context, a AckRecord) error

	RecordBundle(ctx context.Context, b BundleRecord) error
	SetPendingAction(ctx context.Context, a PendingAction) error
	ClearPendingAction(ctx context.Context, groupID, kind string) error
	SetLastRun(ctx context.Context, name string, at time.Time) error

	// RecordFile records a file taken otherwise than by ClaimFile (an API
	// request, Source SourceAPI), in the transaction that decides it.
	RecordFile(ctx context.Context, f *FileRecord) error
	// MarkFileDone marks a stored file done inside the transaction (an API
	// request has no result file to deliver and no source to move).
	MarkFileDone(ctx context.Context, fileID string) error
	// SaveIdempotentAnswer stores the answer to a request that carried an
	// Idempotency-Key, replacing one for the same caller and key, and
	// forgets answers stored before a.CreatedAt minus IdempotencyWindow.
	SaveIdempotentAnswer(ctx context.Context, a IdempotentAnswer) error
	// RecordRejectedIntake records a group a file's rejection kept out of
	// the store (or a file rejected whole, GroupExternalID "").
	RecordRejectedIntake(ctx context.Context, r RejectedIntake) error
}

// Store is the state store the stages use.
type Store interface {
	Reader
	// Update runs fn in one write transaction: committed when fn returns
	// nil, rolled back otherwise. Writes are serialised (one writer).
	Update(ctx context.Context, fn func(tx Tx) error) error

	// ClaimFile records that a partner file with this content is being
	// processed, or says why not (see Claim). The returned record is the
	// one to continue with (for ClaimDuplicate: the original).
	ClaimFile(ctx context.Context, partnerID, name, sha256 string, size int64) (*FileRecord, Claim, error)
	// RecordDuplicate records a duplicate drop of an already processed file.
	RecordDuplicate(ctx context.Context, partnerID, name, sha256 string, size int64, of string) (*FileRecord, error)
	// FileDone marks a stored file done (result written, source moved).
	FileDone(ctx context.Context, fileID string) error
	// ReleaseFile forgets an uncommitted claim after an operational
	// failure, so the next poll takes the file again.
	ReleaseFile(ctx context.Context, fileID string) error
	// ReopenFile makes a rejected or held file processable again (replay after a
	// fix): its next claim is a retry instead of a duplicate.
	ReopenFile(ctx context.Context, fileID string) error

	// Ping checks that the store answers.
	Ping(ctx context.Context) error
	Close() error
}
