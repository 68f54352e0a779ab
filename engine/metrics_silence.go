package engine

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/silence"
	"github.com/onboard/onboard/engine/store"
)

// Silence metrics, read from the store at scrape time, for alerts on what
// did not happen (README "Silence alarms").
var (
	lastFileDesc = prometheus.NewDesc("onboard_partner_last_file_timestamp_seconds",
		"When the partner's last file arrived (Unix seconds); for a partner with expect that never sent one, when onboard started expecting it.",
		[]string{"partner"}, nil)
	expectDesc = prometheus.NewDesc("onboard_partner_expect_every_seconds",
		"The partner's expect.every: an alert fires when time() - onboard_partner_last_file_timestamp_seconds exceeds it.",
		[]string{"partner"}, nil)
	unackedDesc = prometheus.NewDesc("onboard_transmissions_unacknowledged",
		"Delivered transmissions without a final acknowledgement, by carrier; overdue=\"true\" counts those older than the carrier's ack_timeout.",
		[]string{"carrier", "overdue"}, nil)
)

// silenceCollector reads partners' last files and carriers' unanswered
// deliveries when scraped.
type silenceCollector struct {
	st  store.Reader
	cfg *config.Config
	now func() time.Time
}

// watchSilence registers the silence collector. Registering twice is
// harmless.
func (m *Metrics) watchSilence(st store.Reader, cfg *config.Config, now func() time.Time) error {
	if m == nil || cfg == nil {
		return nil
	}
	err := m.reg.Register(&silenceCollector{st: st, cfg: cfg, now: now})
	if are := (prometheus.AlreadyRegisteredError{}); errors.As(err, &are) {
		return nil
	}
	return err
}

// Describe implements prometheus.Collector.
func (c *silenceCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- lastFileDesc
	ch <- expectDesc
	ch <- unackedDesc
}

// Collect implements prometheus.Collector.
func (c *silenceCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := c.now()
	for i := range c.cfg.Partners {
		p := &c.cfg.Partners[i]
		files, err := c.st.Files(ctx, store.FileFilter{PartnerID: p.ID, Limit: 1})
		if err != nil {
			ch <- prometheus.NewInvalidMetric(lastFileDesc, err)
			return
		}
		var last time.Time
		if len(files) > 0 {
			last = files[0].ReceivedAt
		}
		if p.Expect != nil {
			ps, err := silence.Partners(ctx, c.st, &config.Config{Partners: []config.Partner{*p}}, now)
			if err != nil {
				ch <- prometheus.NewInvalidMetric(lastFileDesc, err)
				return
			}
			last = ps[0].Reference()
			ch <- prometheus.MustNewConstMetric(expectDesc, prometheus.GaugeValue, p.Expect.Every.D().Seconds(), p.ID)
		}
		if !last.IsZero() {
			ch <- prometheus.MustNewConstMetric(lastFileDesc, prometheus.GaugeValue, float64(last.UnixNano())/1e9, p.ID)
		}
	}
	for i := range c.cfg.Carriers {
		cr := &c.cfg.Carriers[i]
		trs, err := c.st.Transmissions(ctx, store.TransmissionFilter{CarrierID: cr.ID, Unacknowledged: true})
		if err != nil {
			ch <- prometheus.NewInvalidMetric(unackedDesc, err)
			return
		}
		var waiting, overdue int
		for _, t := range trs {
			if !t.AwaitsAck() {
				continue
			}
			if cr.AckTimeout > 0 && !t.DeliveredAt.IsZero() && now.Sub(t.DeliveredAt) > cr.AckTimeout.D() {
				overdue++
			} else {
				waiting++
			}
		}
		ch <- prometheus.MustNewConstMetric(unackedDesc, prometheus.GaugeValue, float64(waiting), cr.ID, "false")
		ch <- prometheus.MustNewConstMetric(unackedDesc, prometheus.GaugeValue, float64(overdue), cr.ID, "true")
	}
}
