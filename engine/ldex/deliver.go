package ldex

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/crash"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
	ldexfmt "github.com/onboard/onboard/formats/ldex"
)

// PendingActionKind is the kind of the pending action recorded for a group
// whose bundle cannot be built or delivered; it is cleared once the group's
// bundle is delivered (or up to date).
const PendingActionKind = "ldex"

// DefaultSchedule is the LDEx schedule of a partner that sets none.
const DefaultSchedule = "0 6 * * *"

// CrashDelivered is the crash point (engine/crash) between a bundle's
// delivery to the partner and its record: the next run builds the same
// bundle (same id, same name) and delivers it over the first.
const CrashDelivered = "ldex-delivered"

// Opener returns the folder a config names (the engine's pool).
type Opener func(ctx context.Context, f config.Folder) (transport.Folder, error)

// bundleNamespace seeds the default bundle ids (see Deliverer.NewID).
var bundleNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("urn:onboard:ldex:bundle"))

// DefaultID derives a bundle id (a UUID) from seed. The Deliverer's seed is
// the group id, the previous bundle's id and the new content hash, so an
// id names one step in one group's bundle history: a delivery interrupted
// after the upload and before the store recorded it is redone under the
// same name, replacing the file instead of adding a duplicate.
func DefaultID(seed string) string { return uuid.NewSHA1(bundleNamespace, []byte(seed)).String() }

// Deliverer builds and delivers the LDEx bundles of partners' groups.
// Runs over the same partner are serialised; different partners may run
// at the same time.
type Deliverer struct {
	store store.Store
	cfg   *config.Config
	open  Opener
	log   *slog.Logger

	// Now is the clock: generated_at, delivery times, feedback names.
	Now func() time.Time
	// NewID returns a bundle id for a seed (default DefaultID).
	NewID func(seed string) string
	// PushFirstRetry, PushMaxRetry and PushGiveUp override the push
	// package defaults of the same names (tests).
	PushFirstRetry, PushMaxRetry, PushGiveUp time.Duration

	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

// New returns a Deliverer over the store and the configuration; open opens
// partners' outbound folders.
func New(st store.Store, cfg *config.Config, open Opener, log *slog.Logger) *Deliverer {
	if log == nil {
		log = slog.Default()
	}
	return &Deliverer{store: st, cfg: cfg, open: open, log: log, Now: time.Now, NewID: DefaultID, locks: map[string]*sync.Mutex{}}
}

// Scope narrows a run.
type Scope struct {
	// CarrierID limits the run to the partner's groups with this carrier.
	CarrierID string
	// StatusChanged limits the run to groups whose status changed after
	// their last bundle was delivered, or that never had one: what must
	// go out right after acknowledgements were read. A run without it
	// looks at every synced or errors group and delivers what changed.
	StatusChanged bool
}

// Delivered is one bundle a run wrote.
type Delivered struct {
	GroupID, ExternalIdentifier string
	BundleID                    string
	// Path is the bundle's name in the outbound folder.
	Path        string
	ContentHash string
}

// Problem is a group that got no bundle in a run, and why.
type Problem struct {
	GroupID, ExternalIdentifier string
	Cause                       Cause
	// Action is the group's pending action after the run.
	Action string
	// FeedbackPath names the feedback file written in this run; empty
	// when the partner was told before (same pending action) or there is
	// nowhere to write.
	FeedbackPath string
}

// Result is what one run did.
type Result struct {
	Delivered []Delivered
	// Unchanged counts groups whose last bundle is still current.
	Unchanged int
	Problems  []Problem
}

// Run builds the bundle of every synced or errors group of the partner in
// scope and delivers those whose content differs from the group's last
// delivered bundle. A group that cannot have its bundle gets feedback and a
// pending action instead (see the package doc); pending and submitted
// groups are left alone, and a leftover LDEx pending action of theirs is
// cleared, since a new version is on its way to the carrier. The error
// reports store failures and an unreachable outbound folder; everything
// else is in the Result.
func (d *Deliverer) Run(ctx context.Context, partnerID string, sc Scope) (Result, error) {
	unlock := d.lock(partnerID)
	defer unlock()
	var res Result
	groups, err := d.store.Groups(ctx, store.GroupFilter{PartnerID: partnerID, CarrierID: sc.CarrierID})
	if err != nil {
		return res, err
	}
	actions, err := d.ldexActions(ctx)
	if err != nil {
		return res, err
	}
	r := &run{d: d, res: &res, actions: actions}
	p := d.cfg.Partner(partnerID)
	var firstUnreachable error
	unreachableGroups := 0
	for i := range groups {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		g := &groups[i]
		if !qualifies(g.Status) {
			if _, had := actions[g.ID]; had && !sc.StatusChanged {
				if err := d.clear(ctx, g.ID); err != nil {
					return res, err
				}
			}
			continue
		}
		if sc.StatusChanged {
			last, err := d.lastBundle(ctx, g.ID)
			if err != nil {
				return res, err
			}
			if last != nil && !g.StatusDatetime.After(last.DeliveredAt) {
				continue
			}
		}
		var err error
		switch {
		case p == nil:
			err = r.blocked(ctx, g, blockedUnknownPartner(g))
		case p.Outbound.Dir == "" && p.Outbound.SFTP == nil:
			err = r.blocked(ctx, g, blockedNoOutbound(g))
		default:
			err = r.group(ctx, p, g)
		}
		var unreachable *unreachableError
		switch {
		case errors.As(err, &unreachable):
			if unreachableGroups++; firstUnreachable == nil {
				firstUnreachable = err
			}
		case err != nil:
			return res, err
		}
	}
	if unreachableGroups > 1 {
		return res, fmt.Errorf("%w (and %d more groups)", firstUnreachable, unreachableGroups-1)
	}
	return res, firstUnreachable
}

// run is one Run's state: the outbound folder, opened on first need.
type run struct {
	d       *Deliverer
	res     *Result
	actions map[string]string // group id → recorded LDEx pending action
	folder  transport.Folder
	openErr error
}

// unreachableError is a failed open or write of the outbound folder; the
// group has its pending action and the run goes on with the next one.
type unreachableError struct{ err error }

func (e *unreachableError) Error() string { return e.err.Error() }
func (e *unreachableError) Unwrap() error { return e.err }

// outbound opens the partner's folder once per run.
func (r *run) outbound(ctx context.Context, p *config.Partner) (transport.Folder, error) {
	if r.folder == nil && r.openErr == nil {
		r.folder, r.openErr = r.d.open(ctx, p.Outbound)
		if r.openErr != nil {
			r.openErr = fmt.Errorf("opening outbound folder of partner %s: %w", p.ID, r.openErr)
		}
	}
	return r.folder, r.openErr
}

// group builds one group's bundle and delivers it when it changed.
func (r *run) group(ctx context.Context, p *config.Partner, g *store.GroupRecord) error {
	d := r.d
	b, err := Build(ctx, d.store, d.cfg, g.ID)
	if blk := isBlocked(err); blk != nil {
		return r.blocked(ctx, g, blk)
	}
	if err != nil {
		return err
	}
	hash := ldexfmt.ContentHash(b)
	last, err := d.lastBundle(ctx, g.ID)
	if err != nil {
		return err
	}
	if last != nil && last.ContentHash == hash {
		r.res.Unchanged++
		if _, had := r.actions[g.ID]; had {
			return d.clear(ctx, g.ID)
		}
		return nil
	}
	prev := ""
	if last != nil {
		prev = last.ID
	}
	now := d.Now()
	b.BundleID = d.NewID(g.ID + "\n" + prev + "\n" + hash)
	b.GeneratedAt = now.UTC().Truncate(time.Second)
	var buf bytes.Buffer
	if err := ldexfmt.Write(&buf, b); err != nil {
		return err
	}
	if err := ldexfmt.ValidateAgainstSchema(buf.Bytes()); err != nil {
		d.log.Error("LDEx bundle does not match its schema; not delivered", "partner", p.ID, "group", g.ExternalIdentifier, "err", err)
		return r.blocked(ctx, g, blockedInvalid(g, b.Policy.Carrier.Name))
	}
	name := path.Join("ldex", safeName(g.ExternalIdentifier), b.BundleID+".json")
	f, err := r.outbound(ctx, p)
	body := bytes.Clone(buf.Bytes()) // the push sends the bundle as built
	if err == nil {
		// A partner with a pgp public_key_file gets BUNDLE_ID.json.pgp.
		to, sealed := p.PGP.Seal(name, &buf)
		err = f.Write(ctx, to, sealed, 0o600)
		sealed.Close()
	}
	if err != nil {
		var unreachable *unreachableError
		if berr := r.blocked(ctx, g, blockedUnreachable(g)); berr != nil && !errors.As(berr, &unreachable) {
			return berr
		}
		return &unreachableError{fmt.Errorf("delivering bundle of group %s: %w", g.ExternalIdentifier, err)}
	}
	crash.Point(CrashDelivered)
	err = d.store.Update(ctx, func(tx store.Tx) error {
		if err := tx.RecordBundle(ctx, store.BundleRecord{ID: b.BundleID, GroupID: g.ID, ContentHash: hash, Path: name, DeliveredAt: now}); err != nil {
			return err
		}
		if err := enqueuePush(ctx, tx, p, g.ID, b.BundleID, body, now); err != nil {
			return err
		}
		return tx.ClearPendingAction(ctx, g.ID, PendingActionKind)
	})
	if err != nil {
		return fmt.Errorf("recording bundle of group %s: %w", g.ExternalIdentifier, err)
	}
	r.res.Delivered = append(r.res.Delivered, Delivered{GroupID: g.ID, ExternalIdentifier: g.ExternalIdentifier, BundleID: b.BundleID, Path: name, ContentHash: hash})
	d.log.Info("LDEx bundle delivered", "partner", p.ID, "group", g.ExternalIdentifier, "bundle", b.BundleID, "path", f.String()+"/"+name)
	return nil
}

// blocked tells the partner (feedback, unless told already) and records
// the pending action. When the feedback cannot be written the pending
// action says the folder is unreachable instead, so the next run, finding
// a different action, writes the feedback then; the error is then an
// *unreachableError.
func (r *run) blocked(ctx context.Context, g *store.GroupRecord, blk *Blocked) error {
	d := r.d
	prob := Problem{GroupID: g.ID, ExternalIdentifier: g.ExternalIdentifier, Cause: blk.Cause, Action: blk.Action}
	prev, had := r.actions[g.ID]
	if had && prev == blk.Action {
		r.res.Problems = append(r.res.Problems, prob)
		d.log.Debug("LDEx bundle still blocked; the partner was told", "partner", g.PartnerID, "group", g.ExternalIdentifier, "cause", string(blk.Cause))
		return nil
	}
	var ferr error
	if blk.Feedback != "" {
		prob.FeedbackPath, ferr = r.feedback(ctx, g, blk.Feedback)
		if ferr != nil {
			prob.Action = blockedUnreachable(g).Action
			ferr = &unreachableError{fmt.Errorf("writing feedback for group %s: %w", g.ExternalIdentifier, ferr)}
		}
	}
	if !had || prev != prob.Action {
		if err := d.store.Update(ctx, func(tx store.Tx) error {
			return tx.SetPendingAction(ctx, store.PendingAction{GroupID: g.ID, Kind: PendingActionKind, Message: prob.Action, Since: d.Now()})
		}); err != nil {
			return fmt.Errorf("recording pending action of group %s: %w", g.ExternalIdentifier, err)
		}
		r.actions[g.ID] = prob.Action
	}
	r.res.Problems = append(r.res.Problems, prob)
	d.log.Info("LDEx bundle not delivered", "partner", g.PartnerID, "group", g.ExternalIdentifier, "cause", string(blk.Cause), "feedback", prob.FeedbackPath)
	return ferr
}

// feedback writes one feedback paragraph: feedback/TIMESTAMP-GROUP.txt.
func (r *run) feedback(ctx context.Context, g *store.GroupRecord, text string) (string, error) {
	p := r.d.cfg.Partner(g.PartnerID)
	if p == nil {
		return "", errors.New("writing feedback: unknown partner")
	}
	f, err := r.outbound(ctx, p)
	if err != nil {
		return "", err
	}
	name := path.Join("feedback", r.d.Now().UTC().Format("20060102T150405Z")+"-"+safeName(g.ExternalIdentifier)+".txt")
	if err := f.Write(ctx, name, strings.NewReader(text+"\n"), 0o600); err != nil {
		return "", err
	}
	return name, nil
}

// ldexActions returns the recorded LDEx pending actions by group id.
func (d *Deliverer) ldexActions(ctx context.Context) (map[string]string, error) {
	all, err := d.store.PendingActions(ctx, "")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, a := range all {
		if a.Kind == PendingActionKind {
			out[a.GroupID] = a.Message
		}
	}
	return out, nil
}

func (d *Deliverer) clear(ctx context.Context, groupID string) error {
	return d.store.Update(ctx, func(tx store.Tx) error { return tx.ClearPendingAction(ctx, groupID, PendingActionKind) })
}

// lastBundle returns the group's last delivered bundle, or nil.
func (d *Deliverer) lastBundle(ctx context.Context, groupID string) (*store.BundleRecord, error) {
	last, err := d.store.LastBundle(ctx, groupID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return last, err
}

// lock serialises runs over one partner.
func (d *Deliverer) lock(partnerID string) func() {
	d.mu.Lock()
	m := d.locks[partnerID]
	if m == nil {
		m = &sync.Mutex{}
		d.locks[partnerID] = m
	}
	d.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// UnconfiguredPartners lists the partners that have groups in the store
// but are not in the configuration (sorted). Run over each records why
// their groups get no bundle.
func (d *Deliverer) UnconfiguredPartners(ctx context.Context) ([]string, error) {
	groups, err := d.store.Groups(ctx, store.GroupFilter{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range groups {
		if d.cfg.Partner(g.PartnerID) == nil && (len(out) == 0 || out[len(out)-1] != g.PartnerID) {
			out = append(out, g.PartnerID) // Groups sorts by partner
		}
	}
	return out, nil
}

// maxNameLen bounds the group part of a file name.
const maxNameLen = 100

// safeName turns a partner's external identifier into one path element:
// letters, digits, '.', '_' and '-' are kept, anything else becomes '_';
// it never starts with '.' (a hidden or temporary name) and is at most
// maxNameLen bytes. A name that had to be changed ends with '-' and 8 hex
// digits of the identifier's sha256, so that identifiers sanitised alike
// (a/b, a_b, "a b") keep folders and feedback notes of their own.
func safeName(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= maxNameLen {
			break
		}
	}
	out := b.String()
	if out == "" || out[0] == '.' {
		out = "_" + out
	}
	if out == s {
		return out
	}
	sum := sha256.Sum256([]byte(s))
	tag := "-" + hex.EncodeToString(sum[:4])
	if len(out) > maxNameLen-len(tag) {
		out = out[:maxNameLen-len(tag)]
	}
	return out + tag
}
