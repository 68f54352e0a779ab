// Package retention deletes old partner sources: the files in a partner's
// inbound archive/ and failed/ folders (local or SFTP) older than the
// configuration's retention.archive (DESIGN.md §9). Each deletion is
// recorded in the store (store.Deletions) and logged. A file is never
// deleted while it is younger than the retention by its modification time
// or by the last time a file of that name was received, nor while a file
// of that name is still being processed (claimed or committed, its move
// not yet finished). Staging copies are the intake's: removed when a file
// is done, and swept at start after an interruption.
//
//	res, err := retention.Sweep(ctx, st, partner, inbound, 90*24*time.Hour, time.Now(), log)
package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/store"
	"github.com/onboard/onboard/engine/transport"
)

// Folders are the inbound sub-folders the sweep cleans.
var Folders = []string{"archive", "failed"}

// Result is what a sweep did.
type Result struct {
	Deleted []string
	// Kept counts the old files left because a file of that name is still
	// being processed or was received within the retention.
	Kept int
}

// Sweep deletes the partner's sources older than maxAge (maxAge <= 0:
// nothing).
func Sweep(ctx context.Context, st store.Store, p *config.Partner, inbound transport.Folder, maxAge time.Duration, now time.Time, log *slog.Logger) (Result, error) {
	var res Result
	if maxAge <= 0 {
		return res, nil
	}
	if log == nil {
		log = slog.Default()
	}
	recent, busy, err := fileNames(ctx, st, p.ID, now.Add(-maxAge))
	if err != nil {
		return res, err
	}
	cutoff := now.Add(-maxAge)
	for _, dir := range Folders {
		files, err := inbound.List(ctx, dir)
		if errors.Is(err, transport.ErrNotExist) {
			continue
		}
		if err != nil {
			return res, fmt.Errorf("listing %s of partner %s: %w", dir, p.ID, err)
		}
		for _, f := range files {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			if !f.ModTime.Before(cutoff) {
				continue
			}
			source := sourceName(f.Name)
			if busy[source] || recent[source] {
				res.Kept++
				continue
			}
			name := path.Join(dir, f.Name)
			reason := fmt.Sprintf("older than retention.archive %s (last modified %s)", days(maxAge), f.ModTime.UTC().Format(time.RFC3339))
			// Recorded first: a crash after the record and before the
			// removal leaves a file the next sweep deletes (and records)
			// again, never a deletion without its record.
			err := st.Update(ctx, func(tx store.Tx) error {
				return tx.RecordDeletion(ctx, store.Deletion{PartnerID: p.ID, Name: name, ModTime: f.ModTime, Size: f.Size, At: now, Reason: reason})
			})
			if err != nil {
				return res, err
			}
			if err := inbound.Remove(ctx, name); err != nil {
				return res, fmt.Errorf("deleting %s of partner %s: %w", name, p.ID, err)
			}
			log.Info("retention: deleted an old partner file", "partner", p.ID, "file", name, "modified", f.ModTime.UTC().Format(time.RFC3339), "reason", reason)
			res.Deleted = append(res.Deleted, name)
		}
	}
	return res, nil
}

// fileNames returns the names of the partner's files received after since
// and of those still being processed.
func fileNames(ctx context.Context, st store.Reader, partnerID string, since time.Time) (recent, busy map[string]bool, err error) {
	files, err := st.Files(ctx, store.FileFilter{PartnerID: partnerID})
	if err != nil {
		return nil, nil, fmt.Errorf("reading files of partner %s: %w", partnerID, err)
	}
	recent, busy = map[string]bool{}, map[string]bool{}
	for _, f := range files {
		if f.State != store.FileDone {
			busy[f.Name] = true
		}
		if !f.ReceivedAt.Before(since) {
			recent[f.Name] = true
		}
	}
	return recent, busy, nil
}

// sourceName is the name a partner sent a file in archive/ or failed/
// under: the intake archives a second file of one name as NAME.ID8 (eight
// hex digits of its id) and a done marker as NAME.done.
func sourceName(name string) string {
	name = strings.TrimSuffix(name, ".done")
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i-1 == 8 && isHex(name[i+1:]) {
		return name[:i]
	}
	return name
}

func isHex(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
