package main

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
)

// printTable prints one block of rows per size.
func printTable(w io.Writer, results []sizeResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "members\trun\twall s\tcpu s\tintake s\ttransmit s\tmembers/s\tMB/s\tpeak RSS MiB\tratio\t")
	for _, r := range results {
		mb := float64(r.csvBytes) / 1e6
		fl := r.floor
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t%s\t\n", group(r.members), "floor: csv→sqlite, 834-size write",
			secs(fl.wall), secs(fl.cpu), secs(fl.ReadInsert), secs(fl.Write), group(int(perSec(r.members, fl.wall))), mb/fl.wall.Seconds(), mib(fl.maxRSS), "1.00")
		d := r.drop
		it := d.intake + d.transmit
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t%s\t\n", group(r.members), "onboard: intake + transmit",
			secs(d.wall), secs(d.cpu), secs(d.intake), secs(d.transmit), group(int(perSec(r.members, it))), mb/it.Seconds(), mib(d.maxRSS),
			fmt.Sprintf("%.2f × floor", ratio(it, fl.wall)))
		rd := r.redrop
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t%s\t\n", group(r.members), "onboard: unchanged re-drop (CRLF)",
			secs(rd.wall), secs(rd.cpu), secs(rd.intake), secsOrDash(rd.transmit), group(int(perSec(r.members, rd.intake))), mb/rd.intake.Seconds(), mib(rd.maxRSS),
			fmt.Sprintf("%.2f × intake", ratio(rd.intake, r.firstIntake)))
		if r.hasPG {
			pg := r.pg
			pit := pg.intake + pg.transmit
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t%s\t\n", group(r.members), "onboard on PostgreSQL: intake + transmit",
				secs(pg.wall), secs(pg.cpu), secs(pg.intake), secs(pg.transmit), group(int(perSec(r.members, pit))), mb/pit.Seconds(), mib(pg.maxRSS),
				fmt.Sprintf("%.2f × SQLite", ratio(pit, it)))
		}
	}
	tw.Flush()
	for _, r := range results {
		fmt.Fprintf(w, "  %s members: %d groups of %d, census %.1f MB, 834 %.1f MB (%s members sent); wall includes startup and the acks, LDEx and report stages of `onboard once`; each row the median of %d rounds (re-drop against the median first intake), peak RSS the largest\n",
			group(r.members), r.groups, r.members/max(r.groups, 1), float64(r.csvBytes)/1e6, float64(r.x12Bytes)/1e6, group(r.drop.sent.Members), r.runs)
	}
}

// target is one goal of the performance issue and how it fared.
type target struct {
	name, measured string
	ok             bool
	skipped        bool
}

// targets evaluates the targets on what was measured.
func targets(results []sizeResult) []target {
	var out []target
	bySize := map[int]sizeResult{}
	for _, r := range results {
		bySize[r.members] = r
	}
	small, hasSmall := bySize[100_000]
	big, hasBig := bySize[1_000_000]
	if hasBig {
		it := big.drop.intake + big.drop.transmit
		out = append(out, target{name: "1,000,000 members: intake + transmission within 2× the floor",
			measured: fmt.Sprintf("%.2f×", ratio(it, big.floor.wall)), ok: ratio(it, big.floor.wall) <= 2})
		peak := max(big.drop.maxRSS, big.redrop.maxRSS)
		out = append(out, target{name: "1,000,000 members: peak RSS under 256 MiB",
			measured: fmt.Sprintf("%.1f MiB", mib(peak)), ok: peak < 256<<20})
		if hasSmall {
			sp := max(small.drop.maxRSS, small.redrop.maxRSS)
			out = append(out, target{name: "peak RSS at 1,000,000 no more than 1.5× at 100,000",
				measured: fmt.Sprintf("%.2f×", float64(peak)/float64(max(sp, 1))), ok: float64(peak) <= 1.5*float64(sp)})
		} else {
			out = append(out, target{name: "peak RSS at 1,000,000 no more than 1.5× at 100,000", skipped: true})
		}
	} else {
		out = append(out, target{name: "1,000,000 members: intake + transmission within 2× the floor, RSS under 256 MiB", skipped: true})
	}
	if hasBig && big.hasPG {
		pit, it := big.pg.intake+big.pg.transmit, big.drop.intake+big.drop.transmit
		out = append(out, target{name: "1,000,000 members on PostgreSQL: intake + transmission within 3× SQLite",
			measured: fmt.Sprintf("%.2f×", ratio(pit, it)), ok: ratio(pit, it) <= 3})
		out = append(out, target{name: "1,000,000 members on PostgreSQL: peak RSS under 256 MiB",
			measured: fmt.Sprintf("%.1f MiB", mib(big.pg.maxRSS)), ok: big.pg.maxRSS < 256<<20})
	} else {
		out = append(out, target{name: "1,000,000 members on PostgreSQL: within 3× SQLite, RSS under 256 MiB", skipped: true})
	}
	for _, r := range results {
		out = append(out, target{name: fmt.Sprintf("%s members: unchanged re-drop under 0.5× the first intake", group(r.members)),
			measured: fmt.Sprintf("%.2f×", ratio(r.redrop.intake, r.firstIntake)), ok: ratio(r.redrop.intake, r.firstIntake) < 0.5})
	}
	return out
}

func printTargets(w io.Writer, results []sizeResult) {
	fmt.Fprintln(w, "\ntargets:")
	for _, t := range targets(results) {
		verdict := "FAIL"
		switch {
		case t.skipped:
			verdict, t.measured = "skip", "not measured"
		case t.ok:
			verdict = "ok"
		}
		fmt.Fprintf(w, "  %-4s  %-70s %s\n", verdict, t.name, t.measured)
	}
}

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) }

func secsOrDash(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return secs(d)
}

func perSec(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return a.Seconds() / b.Seconds()
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// group writes n with thousands separators.
func group(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + group(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
