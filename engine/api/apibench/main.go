// Command apibench is the API's load benchmark (make bench; not a timed
// test): it starts the onboard daemon on a loopback port with a fresh
// state, POSTs -groups groups of -members members from -clients
// concurrent clients, then runs GET /groups/{id} from as many readers
// while as many writers POST more groups, and reports requests per
// second, p50 and p99 latency, errors and the daemon's peak RSS.
//
//	apibench -onboard bin/onboard -dir var/bench/api
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	o := options{}
	flag.StringVar(&o.onboard, "onboard", "bin/onboard", "the onboard binary")
	flag.StringVar(&o.dir, "dir", "var/bench/api", "working folder (emptied first)")
	flag.IntVar(&o.groups, "groups", 2000, "groups POSTed in the write phase")
	flag.IntVar(&o.members, "members", 10, "members per group (employees with a spouse each)")
	flag.IntVar(&o.clients, "clients", 16, "concurrent clients")
	flag.DurationVar(&o.mixed, "mixed", 10*time.Second, "how long readers and writers run together")
	flag.Parse()
	if err := run(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "apibench:", err)
		os.Exit(1)
	}
}

type options struct {
	onboard, dir             string
	groups, members, clients int
	mixed                    time.Duration
}

func run(o options, out io.Writer) error {
	if err := os.RemoveAll(o.dir); err != nil {
		return err
	}
	for _, d := range []string{"keys", "in", "out", "inbox", "acks"} {
		if err := os.MkdirAll(filepath.Join(o.dir, d), 0o700); err != nil {
			return err
		}
	}
	kb := make([]byte, 32)
	rand.Read(kb)
	key := base64.RawURLEncoding.EncodeToString(kb)
	if err := os.WriteFile(filepath.Join(o.dir, "keys", "bench.api-key"), []byte(key), 0o600); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	// Schedules far apart: the benchmark measures the API and intake, not
	// transmissions running beside them.
	cfg := fmt.Sprintf(`state: {sqlite: var/onboard.db}
http: {listen: %s, rate_limit: 100000}
reports: {dir: var/reports, schedule: "@every 24h"}
partners:
  - {id: bench, name: Bench, inbound: {dir: in, schedule: "@every 24h"}, outbound: {dir: out}, carrier: bluecross,
     api: {key_file: keys/bench.api-key}}
carriers:
  - id: bluecross
    name: Blue Cross Example
    format: x12-834
    mode: change
    schedule: "@every 24h"
    inbox: {dir: inbox}
    acks: {dir: acks, schedule: "@every 24h"}
    x12: {sender_qualifier: ZZ, sender_id: ONBOARD, receiver_qualifier: ZZ, receiver_id: BLUECROSS, usage: T}
    plans:
      - {id: BC-PPO-500, product_line: medical, name: PPO 500, rates: {employee_only: 512.00, employee_spouse: 1024.00}}
`, addr)
	cfgPath := filepath.Join(o.dir, "onboard.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		return err
	}
	onboard, err := filepath.Abs(o.onboard)
	if err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(o.dir, "daemon.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(onboard, "run", "-config", "onboard.yaml")
	cmd.Dir, cmd.Stdout, cmd.Stderr = o.dir, logf, logf
	if err := cmd.Start(); err != nil {
		return err
	}
	defer cmd.Process.Kill()
	base := "http://" + addr
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * o.clients}, Timeout: time.Minute}
	if err := waitHealthy(client, base); err != nil {
		return err
	}
	if o.groups < 1 {
		return errors.New("-groups must be at least 1")
	}
	b := &bench{client: client, base: base, key: key, members: o.members}

	// Phase 1: writes only.
	var next atomic.Int64
	start := time.Now()
	writes := parallel(o.clients, func(s *stats) bool {
		i := next.Add(1)
		if i > int64(o.groups) {
			return false
		}
		b.post(s, fmt.Sprintf("W%06d", i))
		return true
	})
	writeTime := time.Since(start)

	// Phase 2: readers and writers together.
	ctx, cancel := context.WithTimeout(context.Background(), o.mixed)
	defer cancel()
	var wg sync.WaitGroup
	var mixedWrites, reads *stats
	wg.Add(2)
	go func() {
		defer wg.Done()
		mixedWrites = parallel(o.clients/2, func(s *stats) bool {
			if ctx.Err() != nil {
				return false
			}
			b.post(s, fmt.Sprintf("M%06d", next.Add(1)))
			return true
		})
	}()
	go func() {
		defer wg.Done()
		var n atomic.Uint64
		reads = parallel(o.clients/2, func(s *stats) bool {
			if ctx.Err() != nil {
				return false
			}
			b.get(s, n.Add(7919)) // a stride through every group
			return true
		})
	}()
	wg.Wait()

	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("the daemon did not stop cleanly: %w", err)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = int64(ru.Maxrss) * 1024 // KiB on Linux
	}
	fmt.Fprintf(out, "API load on loopback: %d groups of %d members, %d clients\n\n", o.groups, o.members, o.clients)
	fmt.Fprintf(out, "%-34s %8s %10s %10s %10s %7s\n", "phase", "requests", "req/s", "p50", "p99", "errors")
	writes.print(out, "POST /groups (writes only)", writeTime)
	mixedWrites.print(out, "POST /groups (beside reads)", o.mixed)
	reads.print(out, "GET /groups/{id} (beside writes)", o.mixed)
	fmt.Fprintf(out, "\ndaemon peak RSS: %.1f MiB\n", float64(rss)/(1<<20))
	// CPU time per request does not depend on what else the machine runs,
	// unlike requests/s on a shared machine.
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	total := len(writes.lat) + len(mixedWrites.lat) + len(reads.lat)
	fmt.Fprintf(out, "daemon CPU: %s in all, %s per request on average (writes and reads)\n",
		cpu.Round(time.Millisecond), (cpu / time.Duration(max(total, 1))).Round(10*time.Microsecond))
	if l, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(out, "load average at the end: %s", l)
	}
	if n := writes.errors + mixedWrites.errors + reads.errors; n > 0 {
		return fmt.Errorf("%d requests failed (see %s)", n, filepath.Join(o.dir, "daemon.log"))
	}
	return nil
}

func waitHealthy(c *http.Client, base string) error {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := c.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return errors.New("the daemon did not answer /healthz within 30s")
}

type bench struct {
	client  *http.Client
	base    string
	key     string
	members int
	mu      sync.Mutex
	ids     []string
}

// stats are one client group's latencies and errors.
type stats struct {
	mu     sync.Mutex
	lat    []time.Duration
	errors int
}

func (s *stats) add(d time.Duration, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lat = append(s.lat, d)
	if !ok {
		s.errors++
	}
}

func (s *stats) print(out io.Writer, name string, over time.Duration) {
	slices.Sort(s.lat)
	q := func(p float64) time.Duration {
		if len(s.lat) == 0 {
			return 0
		}
		return s.lat[min(int(p*float64(len(s.lat))), len(s.lat)-1)]
	}
	fmt.Fprintf(out, "%-34s %8d %10.1f %10s %10s %7d\n", name, len(s.lat), float64(len(s.lat))/over.Seconds(),
		q(0.50).Round(100*time.Microsecond), q(0.99).Round(100*time.Microsecond), s.errors)
}

// parallel runs step from n clients until it says false; each step
// records into the returned stats.
func parallel(n int, step func(s *stats) bool) *stats {
	s := &stats{}
	var wg sync.WaitGroup
	for i := 0; i < max(n, 1); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for step(s) {
			}
		}()
	}
	wg.Wait()
	return s
}

func (b *bench) do(req *http.Request, want int) ([]byte, time.Duration, bool) {
	req.Header.Set("Authorization", "Bearer "+b.key)
	t0 := time.Now()
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, time.Since(t0), false
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return body, time.Since(t0), err == nil && resp.StatusCode == want
}

func (b *bench) post(s *stats, ext string) {
	req, _ := http.NewRequest("POST", b.base+"/groups", bytes.NewReader(group(ext, b.members/2)))
	req.Header.Set("Content-Type", "application/json")
	body, d, ok := b.do(req, http.StatusCreated)
	var r struct {
		Group struct{ ID string } `json:"group"`
	}
	if ok && json.Unmarshal(body, &r) == nil && r.Group.ID != "" {
		b.mu.Lock()
		b.ids = append(b.ids, r.Group.ID)
		b.mu.Unlock()
	}
	s.add(d, ok)
}

func (b *bench) get(s *stats, n uint64) {
	b.mu.Lock()
	id := b.ids[n%uint64(len(b.ids))]
	b.mu.Unlock()
	req, _ := http.NewRequest("GET", b.base+"/groups/"+id, nil)
	_, d, ok := b.do(req, http.StatusOK)
	s.add(d, ok)
}

// group is a group of n employees, each with a spouse: 2n members.
func group(ext string, n int) []byte {
	type m = map[string]any
	now := time.Now().UTC()
	start := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	subs := make([]m, 0, n)
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("%s-E%d", ext, i+1)
		subs = append(subs, m{
			"external_identifier": id, "location_external_identifier": "L1",
			"first_name": "Ann", "last_name": fmt.Sprintf("Lee%d", i), "gender": "female", "birth_date": "1980-01-02",
			"social_security_number": fmt.Sprintf("%03d%02d%04d", 100+i%800, 10+i%80, 1000+i),
			"employment_details":     m{"start_date": "2020-01-01", "status": "full_time"},
			"enrollments":            []m{{"product_line": "medical", "plan_id": "BC-PPO-500", "coverage_level": "employee_spouse", "start_date": start}},
			"dependents": []m{{"external_identifier": id + "-S", "first_name": "Bo", "last_name": fmt.Sprintf("Lee%d", i),
				"birth_date": "1981-03-04", "gender": "male", "subscriber_relationship": "spouse", "product_lines": []string{"medical"}}},
		})
	}
	b, _ := json.Marshal(m{"group": m{
		"external_identifier": ext,
		"employer":            m{"organization_name": "Company " + ext, "fein": "222222222", "established_date": "1999-08-13", "employer_type": "private_sector"},
		"primary_location": m{"external_identifier": "L1", "type": "physical",
			"employer_address": m{"address_line_1": "30 W Live Oak Ave", "city": "Defuniak Springs", "state": "FL", "zip": "32435"}},
		"subscribers": subs,
	}})
	return b
}
