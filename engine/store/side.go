package store

import (
	"context"

	"github.com/onboard/onboard/engine/model"
)

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

// IDReader lists a group's ids from the projection of its current version,
// without decoding the version: the intake answers an unchanged group
// with them. The SQLite store and its transactions implement it; a caller
// asserts it and falls back to Version.
type IDReader interface {
	GroupIDs(ctx context.Context, groupID string) (*GroupIDs, error)
}

// TransmitTx is what the transmit stage needs from a write transaction
// beyond Tx. The SQLite transaction implements it; the stage asserts it
// (tx.(store.TransmitTx)), so a store without it fails loudly.
type TransmitTx interface {
	Tx
	// AdvanceTransmitted records that a version of a group needs nothing
	// sent to its carrier (no member change): the group's transmitted
	// version moves to version without a transmission. It reports whether
	// it moved; false when the group was already at or past version.
	AdvanceTransmitted(ctx context.Context, groupID string, version int) (bool, error)
	// PendingSubscribers returns the pending subscribers of a group by
	// external identifier, each with the status it held before it last
	// became pending ("" when it has been pending since it was created).
	PendingSubscribers(ctx context.Context, groupID string) (map[string]model.Status, error)

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
	// SetSubscribersStatus moves the listed subscribers of a group to a
	// status with no outstanding errors, as SetSubscriberStatus does for
	// each in the order listed, in two statements; identifiers that name
	// no subscriber of the group are skipped.
	SetSubscribersStatus(ctx context.Context, groupID string, subscriberExts []string, to model.Status, reason, source string) error
}
