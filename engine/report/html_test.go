package report

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

const testTitle = "ACME & Northwind — onboarding status"

func renderHTML(t *testing.T, rows []Row, title string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, rows, now, title, 0); err != nil {
		t.Fatalf("WriteHTML: %v", err)
	}
	return buf.String()
}

// section returns the HTML of <section id="id"> up to its end.
func section(t *testing.T, page, id string) string {
	t.Helper()
	start := strings.Index(page, `<section id="`+id+`">`)
	if start < 0 {
		t.Fatalf("no section %q", id)
	}
	end := strings.Index(page[start:], "</section>")
	return page[start : start+end]
}

func TestWriteHTMLGolden(t *testing.T) {
	golden(t, "status.golden.html", renderHTML(t, sampleAll(), testTitle))
}

func TestWriteHTMLHostileValuesAreInert(t *testing.T) {
	page := renderHTML(t, sampleAll(), `<script>alert("title")</script>`)
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Error("page contains a <script element")
	}
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt; LLC",
		"=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)",
		"<title>&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;</title>",
		"Harbor &amp; Pine Bakery, LLC",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks the escaped text %s", want)
		}
	}
	// Links only lead within the page (a group's anchor, a section).
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "#") {
			t.Errorf("page links out of itself: %s", m[0])
		}
	}
	for _, want := range []string{"&lt;broken&gt;.json", "submitted → <span class=\"to\">errors</span>: &lt;b&gt;999 rejected&lt;/b&gt; set 0002"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks the escaped text %s", want)
		}
	}
}

func TestWriteHTMLSelfContained(t *testing.T) {
	page := renderHTML(t, sampleRows(), testTitle)
	for _, banned := range []string{"<link", "src=", "url(", "@import", "<script", "javascript:", "<iframe", "<img"} {
		if strings.Contains(strings.ToLower(page), banned) {
			t.Errorf("page contains %q: it must need nothing from outside", banned)
		}
	}
	for _, want := range []string{
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
		"<style>",
		"table-layout:fixed",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func TestWriteHTMLChart(t *testing.T) {
	chartHTML := section(t, renderHTML(t, sampleRows(), testTitle), "summary")
	if n := strings.Count(chartHTML, "<svg"); n != 1 {
		t.Fatalf("summary has %d <svg> elements, want 1", n)
	}
	for _, want := range []string{
		`<title id="chart-title">Groups by status: 1 pending, 1 submitted, 1 synced, 2 errors</title>`,
		"<title>pending: 1 group</title>",
		"<title>errors: 2 groups</title>",
		// errors has the most groups: its bar is the full length.
		`<rect class="st-errors" x="104" y="116" width="240"`,
		`<rect class="st-synced" x="104" y="80" width="120"`,
	} {
		if !strings.Contains(chartHTML, want) {
			t.Errorf("chart lacks %s\n%s", want, chartHTML)
		}
	}
	if n := strings.Count(chartHTML, `<rect class="st-`); n != 4 {
		t.Errorf("chart has %d bars, want one per status (4)", n)
	}

	// A status outside the four gets a grey bar of its own.
	odd := renderHTML(t, []Row{{Partner: "p", GroupExternalID: "1", Status: "paused"}}, "t")
	if !strings.Contains(section(t, odd, "summary"), `<title>paused: 1 group</title>`) ||
		!strings.Contains(odd, `<rect class="st-other"`) {
		t.Error("an unknown status is not charted in grey")
	}
}

func TestWriteHTMLTablePerPartner(t *testing.T) {
	page := renderHTML(t, sampleAll(), testTitle)
	if n := strings.Count(page, `<section class="partner" id="p-`); n != 2 {
		t.Fatalf("got %d partner tables, want 2", n)
	}
	acme := strings.Index(page, "<h2>ACME Benefits <small>acme · 3 groups: 1 pending, 1 synced, 1 errors</small></h2>")
	north := strings.Index(page, "<h2>Northwind HR <small>northwind · 2 groups: 1 submitted, 1 errors</small></h2>")
	if acme < 0 || north < 0 || acme > north {
		t.Fatalf("partner headings missing or out of order (acme at %d, northwind at %d)", acme, north)
	}
	acmeTable, northTable := page[acme:north], page[north:strings.Index(page, `<section id="histories">`)]
	assertOrder(t, acmeTable, "G-1001", "G-1002", "G-1003")
	assertOrder(t, northTable, "NW-3", "NW-7")
	if strings.Contains(acmeTable, "NW-7") || strings.Contains(northTable, "G-1001") {
		t.Error("a group is in another partner's table")
	}
	for _, want := range []string{
		`<tr class="st-errors"><td data-label="Group"><a class="emp" href="#g-3b1e9a52-8c4d-4f6e-a7b8-c9d0e1f2a3b4">&lt;script&gt;alert(1)&lt;/script&gt; LLC</a><span class="sub">G-1002 · bluecross</span>`,
		`<td data-label="Status"><span class="badge">errors</span><span class="sub">3d 4h`,
		`<li class="n-synced"><span class="n">5</span>synced</li><li class="n-errors"><span class="n">2</span>errors</li>`,
		`BLUECROSS-834-000000049.x12<span class="sub"><time datetime="2025-03-07T07:30:00Z">2025-03-07 07:30 UTC</time></span>`,
		// The acknowledgement counts this group's members only.
		`<dt>Ack</dt><dd>999 rejected: 5 accepted · 2 rejected<span class="sub">`,
		`<td data-label="Policy">BCX-778812</td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("partner table lacks %s", want)
		}
	}
	// Colours come with words: every status badge has its class.
	for _, st := range []string{"pending", "submitted", "synced", "errors"} {
		if !strings.Contains(page, `<tr class="st-`+st+`">`) {
			t.Errorf("no row coloured as %s", st)
		}
		if !regexp.MustCompile(`\.st-` + st + ` \.badge[^{]*\{color:var\(--` + st + `\)`).MatchString(page) {
			t.Errorf("no colour rule for %s", st)
		}
	}
}

func TestWriteHTMLPendingActionsOldestFirst(t *testing.T) {
	pending := section(t, renderHTML(t, sampleAll(), testTitle), "pending")
	assertOrder(t, pending, "G-1002", "NW-7", "NW-3", "G-1003")
	if strings.Contains(pending, "G-1001") {
		t.Error("a synced group with nothing pending is listed")
	}
	for _, want := range []string{`<td data-label="Waiting">3d 4h</td>`, "partner to fix 3 error(s) and send an updated file", `<td data-label="Waiting">47m</td>`} {
		if !strings.Contains(pending, want) {
			t.Errorf("pending actions lack %s", want)
		}
	}
}

func TestWriteHTMLMostFrequentErrors(t *testing.T) {
	errs := section(t, renderHTML(t, sampleAll(), testTitle), "errors")
	for _, want := range []string{
		// Each message names the groups and members it is on, linked to the group.
		`<td data-label="Message">coverage must start on the first day of a month</td><td data-label="Where"><ul class="where"><li><a href="#g-3b1e9a52-8c4d-4f6e-a7b8-c9d0e1f2a3b4">acme G-1002</a>: E2001, E2002</li></ul></td>`,
		`<td data-label="Message">zip must be 5 digits or ZIP&#43;4</td><td data-label="Where"><ul class="where"><li><a href="#g-3b1e9a52-8c4d-4f6e-a7b8-c9d0e1f2a3b4">acme G-1002</a></li><li><a href="#g-5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170">acme G-1003</a></li></ul>`,
		`<tr><td class="num" data-label="Count">1</td><td class="num" data-label="Groups">1</td><td data-label="Message">birth_date must be a date in the past</td>`,
		`northwind NW-3</a>: NW3-E7`,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors section lacks %s\n%s", want, errs)
		}
	}
	assertOrder(t, errs, "coverage must start", "zip must be", "birth_date")

	var rows []Row
	for i := range 15 {
		rows = append(rows, Row{Partner: "p", GroupExternalID: fmt.Sprint(i), TopErrors: []string{fmt.Sprintf("error number %02d", i)}})
	}
	if n := strings.Count(section(t, renderHTML(t, rows, "t"), "errors"), "error number"); n != 10 {
		t.Errorf("listed %d messages, want the top 10", n)
	}
}

func TestWriteHTMLEmpty(t *testing.T) {
	page := renderHTML(t, nil, "Nothing here")
	for _, want := range []string{"0 groups · 0 partners", "Nothing is waiting.", "No outstanding errors.", "No groups yet.", "No rejected intakes.", "<svg"} {
		if !strings.Contains(page, want) {
			t.Errorf("empty report lacks %q", want)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestWriteErrorsWrap(t *testing.T) {
	if err := WriteHTML(failingWriter{}, sampleRows(), now, "t", 0); err == nil || !strings.Contains(err.Error(), "writing status html: disk full") {
		t.Errorf("WriteHTML error = %v", err)
	}
	if err := WriteCSV(failingWriter{}, sampleRows(), now); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteCSV error = %v", err)
	}
}

// assertOrder checks that every want occurs in s, in that order.
func assertOrder(t *testing.T, s string, want ...string) {
	t.Helper()
	last := -1
	for _, w := range want {
		i := strings.Index(s, w)
		if i < 0 {
			t.Errorf("%q missing", w)
			continue
		}
		if i < last {
			t.Errorf("%q out of order (want order %v)", w, want)
		}
		last = i
	}
}

func TestWriteHTMLRejectedIntakes(t *testing.T) {
	page := renderHTML(t, sampleAll(), testTitle)
	rej := section(t, page, "rejected")
	assertOrder(t, rej, "&lt;broken&gt;.json", "G-1009") // newest first
	for _, want := range []string{
		`<td data-label="Partner">acme</td><td data-label="Group">G-1009</td><td data-label="File">acme-census-0309.csv</td><td class="num errs" data-label="Errors">4</td><td data-label="Since">20h 0m`,
		`<td data-label="Group"><span class="muted">(whole file)</span></td>`,
		"partner to fix 4 errors in acme-census-0309.csv and send it again",
	} {
		if !strings.Contains(rej, want) {
			t.Errorf("rejected intakes lack %s\n%s", want, rej)
		}
	}
	// They are not groups: the counts and the partner tables leave them out.
	if !strings.Contains(page, "5 groups · 2 partners · 2 rejected intakes") || strings.Contains(page[strings.Index(page, `id="p-acme"`):strings.Index(page, `<section id="histories">`)], "G-1009") {
		t.Error("rejected intakes counted as groups")
	}
}

func TestWriteHTMLGroupHistories(t *testing.T) {
	page := renderHTML(t, sampleAll(), testTitle)
	hist := page[strings.Index(page, `<section id="histories">`):]
	// One anchor per group, each linked from its row.
	for _, id := range []string{"7c1d2e3f-0000-4a4a-8b8b-0f1e2d3c4b5a", "3b1e9a52-8c4d-4f6e-a7b8-c9d0e1f2a3b4",
		"5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "0f6c5d2e-4b3a-4c1d-9e8f-7a6b5c4d3e2f"} {
		if strings.Count(page, `id="g-`+id+`"`) != 1 || !strings.Contains(page, `href="#g-`+id+`"`) {
			t.Errorf("group %s has no single anchor linked from its row", id)
		}
	}
	for _, want := range []string{
		`<li><time datetime="2025-03-07T07:00:00Z">2025-03-07 07:00 UTC</time> — <span class="to">pending</span>: created from acme-census-0307.csv</li>`,
		`<li><time datetime="2025-03-07T07:30:00Z">2025-03-07 07:30 UTC</time> — pending → <span class="to">submitted</span>: sent in BLUECROSS-834-000000049.x12</li>`,
	} {
		if !strings.Contains(hist, want) {
			t.Errorf("histories lack %s", want)
		}
	}
	assertOrder(t, hist, "created from acme-census-0307.csv", "sent in BLUECROSS", "999 rejected")
}

func TestWriteHTMLRefresh(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleRows(), now, "t", 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<meta http-equiv="refresh" content="90">`) {
		t.Error("no refresh every 90s")
	}
	if strings.Contains(renderHTML(t, sampleRows(), "t"), `http-equiv="refresh"`) {
		t.Error("a report without a schedule reloads itself")
	}
	for _, tt := range []struct {
		spec string
		want time.Duration
	}{{"@every 30s", 30 * time.Second}, {"*/5 * * * *", 5 * time.Minute}, {"0 6 * * *", 24 * time.Hour}, {"", 0}, {"nonsense", 0}} {
		if got := Interval(tt.spec, now); got != tt.want {
			t.Errorf("Interval(%q) = %v, want %v", tt.spec, got, tt.want)
		}
	}
}
