package engine

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/onboard/onboard/engine/config"
)

// Readiness is the /readyz document. The daemon is ready when the store
// answers, every configured folder can be listed, and the last pass of
// every job ended without error (a job that has not run yet does not count
// against readiness). While stopping it is not ready.
type Readiness struct {
	Ready bool `json:"ready"`
	// Status is "ready", "not_ready" or "stopping".
	Status  string        `json:"status"`
	Time    time.Time     `json:"time"`
	Store   Check         `json:"store"`
	Folders []FolderCheck `json:"folders"`
	Stages  []StageStatus `json:"stages"`
}

// ReadinessSummary is the /readyz document for a client that is not on
// the machine: the status without the details.
type ReadinessSummary struct {
	Ready  bool      `json:"ready"`
	Status string    `json:"status"`
	Time   time.Time `json:"time"`
}

// fromLocalhost reports whether r came from a loopback address directly,
// not relayed by a proxy on the machine (which would add a forwarding
// header).
func fromLocalhost(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" || r.Header.Get("X-Real-Ip") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Check is one readiness check's outcome.
type Check struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// FolderCheck says whether one configured folder could be listed.
type FolderCheck struct {
	// Role is inbound or outbound (a partner's), inbox or acks (a carrier's).
	Role    string `json:"role"`
	Partner string `json:"partner,omitempty"`
	Carrier string `json:"carrier,omitempty"`
	Folder  string `json:"folder"`
	Check
}

// StageStatus is the last pass of a stage's jobs. Status is "failed" when
// the last pass of any of its jobs failed, "ok" when every job that ran
// succeeded last, "never_ran" when none ran yet.
type StageStatus struct {
	Stage       string      `json:"stage"`
	Status      string      `json:"status"`
	LastRun     *time.Time  `json:"last_run,omitempty"`
	LastSuccess *time.Time  `json:"last_success,omitempty"`
	Jobs        []JobStatus `json:"jobs"`
}

// JobStatus is one job's last pass.
type JobStatus struct {
	Job      string `json:"job"`
	Partner  string `json:"partner,omitempty"`
	Carrier  string `json:"carrier,omitempty"`
	Schedule string `json:"schedule,omitempty"`
	// Status is ok, failed or never_ran.
	Status          string     `json:"status"`
	Running         bool       `json:"running"`
	Runs            int        `json:"runs"`
	LastRun         *time.Time `json:"last_run,omitempty"`
	LastSuccess     *time.Time `json:"last_success,omitempty"`
	DurationSeconds float64    `json:"duration_seconds"`
	Error           string     `json:"error,omitempty"`
}

// Job and stage statuses in Readiness.
const (
	StatusOK       = "ok"
	StatusFailed   = "failed"
	StatusNeverRan = "never_ran"
)

// checkTimeout bounds each readiness check (store ping, folder listing).
const checkTimeout = 5 * time.Second

// Handler serves the operations endpoints: GET /healthz (the process is
// up), GET /readyz (Readiness as JSON; 503 when not ready) and GET
// /metrics (Prometheus).
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		rd := d.Readiness(r.Context())
		code := http.StatusOK
		if !rd.Ready {
			code = http.StatusServiceUnavailable
		}
		if !fromLocalhost(r) {
			// Paths, SFTP user@host and raw errors are for operators on
			// the machine; anyone else gets the status alone.
			writeJSON(w, code, ReadinessSummary{Ready: rd.Ready, Status: rd.Status, Time: rd.Time})
			return
		}
		writeJSON(w, code, rd)
	})
	mux.Handle("GET /metrics", d.metrics.Handler())
	if d.e.API != nil {
		d.e.API.Register(mux)
	}
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away; nothing to do
}

// Readiness checks the store and the folders and reports every job's last
// pass.
func (d *Daemon) Readiness(ctx context.Context) Readiness {
	rd := Readiness{Time: d.Now().UTC(), Store: d.checkStore(ctx), Folders: d.checkFolders(ctx), Stages: d.stages()}
	rd.Ready = rd.Store.OK
	for _, f := range rd.Folders {
		rd.Ready = rd.Ready && f.OK
	}
	for _, s := range rd.Stages {
		rd.Ready = rd.Ready && s.Status != StatusFailed
	}
	switch {
	case d.stopping():
		rd.Ready, rd.Status = false, "stopping"
	case rd.Ready:
		rd.Status = "ready"
	default:
		rd.Status = "not_ready"
	}
	return rd
}

func (d *Daemon) checkStore(ctx context.Context) Check {
	if d.e.Store == nil {
		return Check{Error: "no store"}
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	if err := d.e.Store.Ping(ctx); err != nil {
		return Check{Error: err.Error()}
	}
	return Check{OK: true}
}

// checkFolders lists every configured folder, in parallel.
func (d *Daemon) checkFolders(ctx context.Context) []FolderCheck {
	type target struct {
		check  FolderCheck
		folder config.Folder
	}
	var ts []target
	add := func(role, partner, carrier string, f config.Folder) {
		if f.Dir == "" && f.SFTP == nil {
			return
		}
		ts = append(ts, target{FolderCheck{Role: role, Partner: partner, Carrier: carrier, Folder: FolderString(f)}, f})
	}
	if cfg := d.e.Config; cfg != nil {
		for _, p := range cfg.Partners {
			add("inbound", p.ID, "", p.Inbound.Folder)
			add("outbound", p.ID, "", p.Outbound)
		}
		for _, c := range cfg.Carriers {
			add("inbox", "", c.ID, c.Inbox)
			add("acks", "", c.ID, c.Acks.Folder)
		}
	}
	out := make([]FolderCheck, len(ts))
	var wg sync.WaitGroup
	for i, t := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.check.Check = d.checkFolder(ctx, t.folder)
			out[i] = t.check
		}()
	}
	wg.Wait()
	return out
}

func (d *Daemon) checkFolder(ctx context.Context, f config.Folder) Check {
	if d.e.Pool == nil {
		return Check{Error: "no folder pool"}
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	fo, err := d.e.Pool.Open(ctx, f)
	if err != nil {
		return Check{Error: err.Error()}
	}
	if _, err := fo.List(ctx, ""); err != nil {
		return Check{Error: err.Error()}
	}
	return Check{OK: true}
}

// stages summarises every job's last pass by stage, stages in pass order.
func (d *Daemon) stages() []StageStatus {
	var out []StageStatus
	idx := map[string]int{}
	for _, r := range d.runners {
		st := r.snapshot()
		js := JobStatus{Job: r.job.Name, Partner: r.job.Partner, Carrier: r.job.Carrier, Schedule: r.job.Schedule,
			Status: StatusNeverRan, Running: st.running, Runs: st.runs}
		if st.runs > 0 {
			js.Status = StatusOK
			js.LastRun = timePtr(st.lastStart)
			js.DurationSeconds = st.lastEnd.Sub(st.lastStart).Seconds()
			if st.lastErr != nil {
				js.Status, js.Error = StatusFailed, st.lastErr.Error()
			}
		}
		js.LastSuccess = timePtr(st.lastSuccess)
		i, ok := idx[r.job.Stage]
		if !ok {
			i = len(out)
			idx[r.job.Stage] = i
			out = append(out, StageStatus{Stage: r.job.Stage, Status: StatusNeverRan})
		}
		s := &out[i]
		s.Jobs = append(s.Jobs, js)
		switch {
		case js.Status == StatusFailed:
			s.Status = StatusFailed
		case js.Status == StatusOK && s.Status == StatusNeverRan:
			s.Status = StatusOK
		}
		if js.LastRun != nil && (s.LastRun == nil || js.LastRun.After(*s.LastRun)) {
			s.LastRun = js.LastRun
		}
		if js.LastSuccess != nil && (s.LastSuccess == nil || js.LastSuccess.After(*s.LastSuccess)) {
			s.LastSuccess = js.LastSuccess
		}
	}
	slices.SortStableFunc(out, func(a, b StageStatus) int { return stageRank(a.Stage) - stageRank(b.Stage) })
	return out
}

// stageRank orders stages as a pass runs them; unknown stages go last.
func stageRank(s string) int {
	if i := slices.Index(stageOrder, s); i >= 0 {
		return i
	}
	return len(stageOrder)
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// FolderString names a configured folder for logs and /readyz: its local
// path, or sftp://user@host:port/dir (never a secret).
func FolderString(f config.Folder) string {
	if f.SFTP != nil {
		return "sftp://" + f.SFTP.User + "@" + f.SFTP.Address + "/" + trimSlash(f.SFTP.Dir)
	}
	return f.Dir
}

func trimSlash(s string) string {
	for len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	return s
}

// OpsServer is the running operations endpoint (see Daemon.Handler).
type OpsServer struct {
	srv  *http.Server
	ln   net.Listener
	done chan struct{}
}

// StartHTTP listens on addr ("127.0.0.1:8080"; port 0 picks one) and
// serves Handler in the background until Close.
func (d *Daemon) StartHTTP(addr string) (*OpsServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listening for the operations endpoint: %w", err)
	}
	// The read timeout lets a 10 MiB API body arrive over a slow link; the
	// write timeout covers an API write waiting for the store's writer.
	s := &OpsServer{
		srv: &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
			WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10},
		ln:   ln,
		done: make(chan struct{}),
	}
	var cert, key string
	if d.e.Config != nil {
		cert, key = d.e.Config.HTTP.TLSCertFile, d.e.Config.HTTP.TLSKeyFile
	}
	if cert != "" {
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			ln.Close()
			return nil, fmt.Errorf("loading the TLS certificate: %w", err)
		}
		s.srv.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pair}}
	}
	go func() {
		defer close(s.done)
		var err error
		if cert != "" {
			err = s.srv.ServeTLS(ln, "", "")
		} else {
			err = s.srv.Serve(ln)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			d.log.Error("serving the operations endpoint", "err", err)
		}
	}()
	what := "/healthz /readyz /metrics"
	if d.e.API != nil {
		what += " and the API"
	}
	d.log.Info("serving the operations endpoint: "+what, "addr", ln.Addr().String(), "tls", cert != "")
	return s, nil
}

// Addr is the address the server listens on.
func (s *OpsServer) Addr() string { return s.ln.Addr().String() }

// Close stops the server, letting requests in progress finish until ctx
// is done.
func (s *OpsServer) Close(ctx context.Context) error {
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}
