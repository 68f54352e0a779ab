package ldex

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/crash"
	"github.com/onboard/onboard/engine/store"
)

// LDEx push (DESIGN.md §6): each bundle of a partner with push: is queued
// in the store's outbox in the transaction that records it, then POSTed
// to push.url by Push, signed, until the receiver answers 2xx (final:
// never sent again) or onboard gives up after PushGiveUp (or at once on
// 410 Gone) with a pending action and a feedback note. Delivery is at
// least once: a daemon killed after the receiver took a bundle and before
// its answer was recorded sends it again, with the same Idempotency-Key
// (the bundle id) for the receiver to recognise it.

// PushActionKind is the pending action of a group whose bundle could not
// be pushed.
const PushActionKind = "ldex_push"

// SignatureHeader carries t=UNIX,v1=HEX: HMAC-SHA256 of "t.body" with the
// partner's secret.
const SignatureHeader = "Onboard-Signature"

// Push tuning; a Deliverer's fields of the same names override them.
const (
	// PushFirstRetry is the wait after the first failed attempt; each
	// later wait doubles, up to PushMaxRetry, with jitter.
	PushFirstRetry = 30 * time.Second
	PushMaxRetry   = 2 * time.Hour
	// PushGiveUp is how long after its first attempt a bundle is retried.
	PushGiveUp = 24 * time.Hour
)

// CrashPushSent is the crash point after the receiver's answer and before
// it is recorded.
const CrashPushSent = "ldex-push-sent"

// Sign returns the Onboard-Signature value of body at t.
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// enqueuePush queues a bundle for a partner with push, in the
// transaction recording it.
func enqueuePush(ctx context.Context, tx store.Tx, p *config.Partner, groupID, bundleID string, body []byte, now time.Time) error {
	if p.Push == nil {
		return nil
	}
	return tx.EnqueuePush(ctx, store.PushRecord{ID: bundleID, PartnerID: p.ID, GroupID: groupID, Body: body, NextAttempt: now, CreatedAt: now})
}

// PushResult is what one push run did.
type PushResult struct {
	Delivered, Failed, Abandoned int
}

// Push sends the partner's due bundles from the outbox.
func (d *Deliverer) Push(ctx context.Context, partnerID string) (PushResult, error) {
	var res PushResult
	p := d.cfg.Partner(partnerID)
	if p == nil || p.Push == nil {
		return res, nil
	}
	ob := d.store
	// Pushes have their own lock: a slow receiver does not hold up the
	// partner's bundles, and two runs never post the same bundle.
	defer d.lock("push:" + partnerID)()
	client, secret, err := pushClient(p.Push)
	if err != nil {
		return res, err
	}
	due, err := ob.DuePushes(ctx, partnerID, d.Now(), 100)
	if err != nil {
		return res, err
	}
	for _, rec := range due {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		status, err := d.post(ctx, client, p.Push, secret, rec)
		if err := d.settle(ctx, p, rec, status, err, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// post sends one bundle and returns the receiver's status code.
func (d *Deliverer) post(ctx context.Context, client *http.Client, push *config.Push, secret []byte, rec store.PushRecord) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, push.Timeout.D())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, push.URL, bytes.NewReader(rec.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "onboard")
	req.Header.Set("Idempotency-Key", rec.ID)
	req.Header.Set(SignatureHeader, Sign(secret, d.Now(), rec.Body))
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, fmt.Errorf("no answer within %s", push.Timeout.D())
		}
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	crash.Point(CrashPushSent)
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return resp.StatusCode, fmt.Errorf("the receiver answered %s redirecting to %q; onboard does not follow redirects: set push.url to the final address",
			resp.Status, resp.Header.Get("Location"))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("the receiver answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}

// settle records an attempt's outcome.
func (d *Deliverer) settle(ctx context.Context, p *config.Partner, rec store.PushRecord, status int, perr error, res *PushResult) error {
	now := d.Now()
	attempts := rec.Attempts + 1
	g, gerr := d.store.Group(ctx, rec.GroupID)
	name := rec.GroupID
	if gerr == nil {
		name = g.ExternalIdentifier
	}
	switch {
	case perr == nil:
		res.Delivered++
		d.log.Info("LDEx bundle pushed", "partner", p.ID, "group", name, "bundle", rec.ID, "status", status, "attempts", attempts)
		return d.store.Update(ctx, func(tx store.Tx) error {
			if err := tx.FinishPush(ctx, rec.ID, store.PushDelivered, attempts, now, "",
				fmt.Sprintf("LDEx bundle %s pushed to %s (HTTP %d, attempt %d)", rec.ID, p.Push.URL, status, attempts)); err != nil {
				return err
			}
			return tx.ClearPendingAction(ctx, rec.GroupID, PushActionKind)
		})
	case status == http.StatusGone || now.Sub(rec.CreatedAt) >= d.pushGiveUp():
		res.Abandoned++
		why := perr.Error()
		if status == http.StatusGone {
			why += " (410 Gone: the receiver says this address is retired)"
		}
		action := fmt.Sprintf("LDEx bundle not pushed to %s after %d attempts: %s; fix the receiver, then run the partner's LDEx again", p.Push.URL, attempts, why)
		d.log.Warn("LDEx push given up", "partner", p.ID, "group", name, "bundle", rec.ID, "attempts", attempts, "err", why)
		if gerr == nil {
			text := fmt.Sprintf("The customer bundle %s of %s could not be delivered to %s: %s. onboard tried %d times since %s and has stopped. "+
				"The bundle is also in your outbound folder under ldex/. Once your receiver accepts bundles again, ask the onboard operator to send it again.",
				rec.ID, who(g), p.Push.URL, why, attempts, rec.CreatedAt.UTC().Format(time.RFC3339))
			r := &run{d: d, res: &Result{}}
			if _, err := r.feedback(ctx, g, text); err != nil {
				d.log.Warn("writing push feedback", "partner", p.ID, "group", name, "err", err)
			}
		}
		return d.store.Update(ctx, func(tx store.Tx) error {
			if err := tx.FinishPush(ctx, rec.ID, store.PushAbandoned, attempts, now, why,
				fmt.Sprintf("LDEx bundle %s not pushed to %s: %s", rec.ID, p.Push.URL, why)); err != nil {
				return err
			}
			return tx.SetPendingAction(ctx, store.PendingAction{GroupID: rec.GroupID, Kind: PushActionKind, Message: action, Since: now})
		})
	default:
		res.Failed++
		next := now.Add(d.retryAfter(attempts))
		d.log.Warn("LDEx push failed; retrying", "partner", p.ID, "group", name, "bundle", rec.ID, "attempt", attempts, "next", next.UTC().Format(time.RFC3339), "err", perr)
		return d.store.Update(ctx, func(tx store.Tx) error {
			return tx.SetPushAttempt(ctx, rec.ID, attempts, next, perr.Error())
		})
	}
}

// retryAfter is the wait after the nth failed attempt: PushFirstRetry
// doubled per attempt up to PushMaxRetry, less up to a fifth at random so
// that bundles failing together do not retry together.
func (d *Deliverer) retryAfter(n int) time.Duration {
	wait, max := d.PushFirstRetry, d.PushMaxRetry
	if wait <= 0 {
		wait = PushFirstRetry
	}
	if max <= 0 {
		max = PushMaxRetry
	}
	for i := 1; i < n && wait < max; i++ {
		wait *= 2
	}
	wait = min(wait, max)
	return wait - time.Duration(rand.Int64N(int64(wait)/5+1))
}

func (d *Deliverer) pushGiveUp() time.Duration {
	if d.PushGiveUp > 0 {
		return d.PushGiveUp
	}
	return PushGiveUp
}

// pushClient is an HTTPS client for a partner's receiver: TLS verified
// (against ca_file when set), redirects not followed, the timeout per
// request set by post.
func pushClient(p *config.Push) (*http.Client, []byte, error) {
	secret, err := os.ReadFile(p.SecretFile)
	if err != nil {
		return nil, nil, fmt.Errorf("reading push secret: %w", err)
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if p.CAFile != "" {
		pem, err := os.ReadFile(p.CAFile)
		if err != nil {
			return nil, nil, fmt.Errorf("reading push ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, nil, fmt.Errorf("push ca_file %s holds no PEM certificate", p.CAFile)
		}
		tlsCfg.RootCAs = pool
	}
	tr := &http.Transport{TLSClientConfig: tlsCfg, Proxy: http.ProxyFromEnvironment, TLSHandshakeTimeout: 10 * time.Second,
		ResponseHeaderTimeout: p.Timeout.D(), MaxIdleConns: 2, IdleConnTimeout: 30 * time.Second}
	client := &http.Client{Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return client, []byte(strings.TrimRight(string(secret), "\r\n")), nil
}
