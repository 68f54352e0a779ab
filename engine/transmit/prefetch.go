package transmit

import (
	"context"
	"sync"

	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// prefetchAhead is how many groups' versions are read and decoded ahead
// of the group being written.
const prefetchAhead = 2

// versionPair is a candidate group's base version (nil when never sent)
// and current version, read ahead of the writer.
type versionPair struct {
	base, cur *model.Group
	err       error
}

// prefetcher reads and decodes the versions of the candidate groups, in
// order, beside the transaction that writes them: decoding a version cost
// about as much as writing its 834, and the two need not wait on each
// other. It reads outside the transaction, which sees the same versions:
// a version is never changed once stored, and the candidates' versions
// were committed before the transaction began.
type prefetcher struct {
	out    chan versionPair
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startPrefetch begins reading the versions of cands from r.
func startPrefetch(ctx context.Context, r store.Reader, cands []store.GroupRecord) *prefetcher {
	ctx, cancel := context.WithCancel(ctx)
	p := &prefetcher{out: make(chan versionPair, prefetchAhead), cancel: cancel}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer close(p.out)
		for i := range cands {
			g := &cands[i]
			var vp versionPair
			if g.TransmittedVersion > 0 {
				vp.base, vp.err = r.Version(ctx, g.ID, g.TransmittedVersion)
			}
			if vp.err == nil {
				vp.cur, vp.err = r.Version(ctx, g.ID, g.Version)
			}
			select {
			case p.out <- vp:
			case <-ctx.Done():
				return
			}
			if vp.err != nil {
				return
			}
		}
	}()
	return p
}

// next returns the next candidate's versions, in the order of cands.
func (p *prefetcher) next(ctx context.Context) (versionPair, error) {
	select {
	case vp, ok := <-p.out:
		if !ok {
			return versionPair{}, context.Canceled
		}
		return vp, vp.err
	case <-ctx.Done():
		return versionPair{}, ctx.Err()
	}
}

// stop ends the reading and waits for it.
func (p *prefetcher) stop() {
	p.cancel()
	p.wg.Wait()
}
