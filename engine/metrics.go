package engine

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/onboard/onboard/engine/intake"
	"github.com/onboard/onboard/engine/model"
	"github.com/onboard/onboard/engine/store"
)

// Metrics are the daemon's Prometheus metrics, on a registry of their own
// (never the global one, so two engines in one process do not collide).
//
// The daemon counts what it sees itself: every job run (duration, outcome,
// last success) and every file of an intake pass. Stage wiring in this
// package counts the rest through the methods below (transmissions, acks,
// bundles). Every method is safe on a nil *Metrics, so wiring needs no
// checks when an Engine is built without metrics.
type Metrics struct {
	reg *prometheus.Registry

	filesReceived *prometheus.CounterVec
	filesAccepted *prometheus.CounterVec
	filesRejected *prometheus.CounterVec
	filesFailed   *prometheus.CounterVec
	transmissions *prometheus.CounterVec
	acks          *prometheus.CounterVec
	bundles       *prometheus.CounterVec
	jobRuns       *prometheus.CounterVec
	stageDuration *prometheus.HistogramVec
	lastSuccess   *prometheus.GaugeVec
}

// NewMetrics returns the metrics on a new registry that also holds the Go
// runtime and process collectors.
func NewMetrics() *Metrics {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "onboard", Name: name, Help: help}, labels)
	}
	m := &Metrics{
		reg:           prometheus.NewRegistry(),
		filesReceived: counter("files_received_total", "Partner files taken from an inbound folder (every outcome).", "partner"),
		filesAccepted: counter("files_accepted_total", "Partner files accepted or partially accepted.", "partner"),
		filesRejected: counter("files_rejected_total", "Partner files rejected, duplicates included.", "partner"),
		filesFailed:   counter("files_failed_total", "Partner files left in place after an operational failure (retried next pass).", "partner"),
		transmissions: counter("transmissions_total", "Enrollment files delivered to a carrier inbox.", "carrier"),
		acks:          counter("acks_total", "Acknowledgements taken from a carrier, by result.", "carrier", "result"),
		bundles:       counter("bundles_total", "LDEx customer bundles delivered to a partner.", "partner"),
		jobRuns:       counter("job_runs_total", "Job passes by outcome (ok or failed).", "job", "stage", "result"),
		stageDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "onboard", Name: "stage_duration_seconds",
			Help:    "Duration of one pass of a stage's job.",
			Buckets: []float64{.005, .01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900},
		}, []string{"stage"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "onboard", Name: "stage_last_success_timestamp_seconds",
			Help: "Unix time of the last pass of a stage that ended without error.",
		}, []string{"stage"}),
	}
	m.reg.MustRegister(m.filesReceived, m.filesAccepted, m.filesRejected, m.filesFailed,
		m.transmissions, m.acks, m.bundles, m.jobRuns, m.stageDuration, m.lastSuccess,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry returns the metrics' registry (to add collectors or gather).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// FileProcessed counts one partner file by its outcome (store.Outcome*).
func (m *Metrics) FileProcessed(partner, outcome string) {
	if m == nil {
		return
	}
	m.filesReceived.WithLabelValues(partner).Inc()
	switch outcome {
	case store.OutcomeAccepted, store.OutcomePartiallyAccepted:
		m.filesAccepted.WithLabelValues(partner).Inc()
	case store.OutcomeRejected, store.OutcomeDuplicate:
		m.filesRejected.WithLabelValues(partner).Inc()
	}
}

// FilesFailed counts partner files that hit an operational failure.
func (m *Metrics) FilesFailed(partner string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.filesFailed.WithLabelValues(partner).Add(float64(n))
}

// TransmissionsSent counts n enrollment files delivered to a carrier.
func (m *Metrics) TransmissionsSent(carrier string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.transmissions.WithLabelValues(carrier).Add(float64(n))
}

// AcksReceived counts n acknowledgements from a carrier with a result
// (for example accepted, rejected, unmatched).
func (m *Metrics) AcksReceived(carrier, result string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.acks.WithLabelValues(carrier, result).Add(float64(n))
}

// BundlesDelivered counts n LDEx bundles delivered to a partner.
func (m *Metrics) BundlesDelivered(partner string, n int) {
	if m == nil || n <= 0 {
		return
	}
	m.bundles.WithLabelValues(partner).Add(float64(n))
}

// observeIntake counts the files of one intake pass.
func (m *Metrics) observeIntake(partner string, sum intake.Summary) {
	for _, f := range sum.Files {
		m.FileProcessed(partner, f.Outcome)
	}
	m.FilesFailed(partner, sum.Failed)
}

// observeRun records one job pass that started at start and took d.
func (m *Metrics) observeRun(j *Job, start time.Time, d time.Duration, err error) {
	if m == nil {
		return
	}
	result := "ok"
	if err != nil {
		result = "failed"
	}
	m.jobRuns.WithLabelValues(j.Name, j.Stage, result).Inc()
	m.stageDuration.WithLabelValues(j.Stage).Observe(d.Seconds())
	if err == nil {
		m.lastSuccess.WithLabelValues(j.Stage).Set(float64(start.Add(d).Unix()))
	}
}

// declare creates the zero series of the configured partners and carriers,
// so rates work from the first scrape.
func (m *Metrics) declare(partners, carriers []string) {
	if m == nil {
		return
	}
	for _, p := range partners {
		for _, v := range []*prometheus.CounterVec{m.filesReceived, m.filesAccepted, m.filesRejected, m.filesFailed, m.bundles} {
			v.WithLabelValues(p)
		}
	}
	for _, c := range carriers {
		m.transmissions.WithLabelValues(c)
	}
}

// watchGroups registers the collector that counts groups by partner and
// status from the store on every scrape. Registering twice is harmless.
func (m *Metrics) watchGroups(st store.Reader, partners []string) error {
	if m == nil {
		return nil
	}
	err := m.reg.Register(&groupCollector{st: st, partners: partners})
	if are := (prometheus.AlreadyRegisteredError{}); errors.As(err, &are) {
		return nil
	}
	return err
}

var groupsDesc = prometheus.NewDesc("onboard_groups", "Groups by partner and status, read from the store at scrape time.",
	[]string{"partner", "status"}, nil)

// groupCollector reads group counts from the store when scraped.
type groupCollector struct {
	st       store.Reader
	partners []string
}

// Describe implements prometheus.Collector.
func (c *groupCollector) Describe(ch chan<- *prometheus.Desc) { ch <- groupsDesc }

// Collect implements prometheus.Collector.
func (c *groupCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	groups, err := c.st.Groups(ctx, store.GroupFilter{})
	if err != nil {
		ch <- prometheus.NewInvalidMetric(groupsDesc, err)
		return
	}
	type key struct{ partner, status string }
	counts := map[key]int{}
	for _, p := range c.partners {
		for _, s := range model.Statuses {
			counts[key{p, string(s)}] = 0
		}
	}
	for _, g := range groups {
		counts[key{g.PartnerID, string(g.Status)}]++
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(groupsDesc, prometheus.GaugeValue, float64(n), k.partner, k.status)
	}
}
