package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the store's driver: the floor writes as onboard does
)

// floorReport is what the floor child prints (JSON) for the parent.
type floorReport struct {
	Rows int `json:"rows"`
	// ReadInsert is reading the CSV and inserting its rows, committed.
	ReadInsert time.Duration `json:"read_insert"`
	// Write is writing and syncing the 834-sized stream.
	Write time.Duration `json:"write"`
}

// runFloor runs the floor as a child process of this program.
func runFloor(ctx context.Context, self, src, dir string, outBytes int64) (floorRun, error) {
	var r floorRun
	var out strings.Builder
	var err error
	r.childRun, _, err = runChild(ctx, self, child{dir: dir, stdout: &out, stderr: os.Stderr,
		args: []string{self, "floor", "-csv", src, "-db", filepath.Join(dir, "floor", "floor.db"),
			"-out", filepath.Join(dir, "floor", "floor.834"), "-bytes", strconv.FormatInt(outBytes, 10)}})
	if err != nil {
		return r, fmt.Errorf("floor: %w", err)
	}
	if err := json.Unmarshal([]byte(out.String()), &r.floorReport); err != nil {
		return r, fmt.Errorf("reading the floor's report %q: %w", out.String(), err)
	}
	return r, nil
}

// floorMain is the floor child: the least any census intake and delivery
// must do on this machine.
func floorMain(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	src := fs.String("csv", "", "census CSV to read")
	db := fs.String("db", "", "SQLite database to create")
	out := fs.String("out", "", "file to write")
	n := fs.Int64("bytes", 0, "bytes to write to -out")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *src == "" || *db == "" || *out == "" {
		return errors.New("floor: -csv, -db and -out are required")
	}
	var rep floorReport
	start := time.Now()
	rows, err := readInsert(ctx, *src, *db)
	if err != nil {
		return err
	}
	rep.Rows, rep.ReadInsert = rows, time.Since(start)
	start = time.Now()
	if err := writeStream(*out, *n); err != nil {
		return err
	}
	rep.Write = time.Since(start)
	return json.NewEncoder(stdout).Encode(rep)
}

// readInsert reads every record of a CSV with encoding/csv and inserts
// each as a row (every column) into a fresh SQLite table: one transaction,
// one prepared statement, the store's pragmas.
func readInsert(ctx context.Context, src, dbPath string) (int, error) {
	f, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil {
		return 0, err
	}
	os.Remove(dbPath)
	q := url.Values{}
	// The store's writer's pragmas (engine/store/sqlite.go).
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)", "temp_store(MEMORY)", "cache_size(-16384)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+dbPath+"?"+q.Encode())
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	cr := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return 0, fmt.Errorf("reading header: %w", err)
	}
	cols := make([]string, len(header))
	marks := make([]string, len(header))
	for i := range header {
		cols[i] = fmt.Sprintf("c%02d TEXT NOT NULL", i)
		marks[i] = "?"
	}
	if _, err := db.ExecContext(ctx, "CREATE TABLE members (id INTEGER PRIMARY KEY, "+strings.Join(cols, ", ")+")"); err != nil {
		return 0, fmt.Errorf("creating table: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO members VALUES (NULL, "+strings.Join(marks, ", ")+")")
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	args := make([]any, len(header))
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rows, fmt.Errorf("reading row %d: %w", rows+1, err)
		}
		for i := range args {
			args[i] = ""
			if i < len(rec) {
				args[i] = rec[i]
			}
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return rows, fmt.Errorf("inserting row %d: %w", rows+1, err)
		}
		rows++
	}
	if err := tx.Commit(); err != nil {
		return rows, fmt.Errorf("committing: %w", err)
	}
	return rows, nil
}

// writeStream writes n bytes to a new file in 256 KiB writes and syncs it,
// as onboard stages an 834.
func writeStream(path string, n int64) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	buf := make([]byte, 256<<10)
	for i := range buf {
		buf[i] = "ISA*00*~\n"[i%9]
	}
	for n > 0 {
		k := min(n, int64(len(buf)))
		if _, err := f.Write(buf[:k]); err != nil {
			f.Close()
			return err
		}
		n -= k
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
