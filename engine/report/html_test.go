package report

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

const testTitle = "ACME & Northwind — onboarding status"

func renderHTML(t *testing.T, rows []Row, title string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, rows, now, title); err != nil {
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
	golden(t, "status.golden.html", renderHTML(t, sampleRows(), testTitle))
}

func TestWriteHTMLHostileValuesAreInert(t *testing.T) {
	page := renderHTML(t, sampleRows(), `<script>alert("title")</script>`)
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
	if strings.Contains(page, "href=") {
		t.Error("page contains a link")
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
		".table-wrap{overflow-x:auto",
		`<div class="table-wrap"><table>`,
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
	page := renderHTML(t, sampleRows(), testTitle)
	if n := strings.Count(page, `<section class="partner">`); n != 2 {
		t.Fatalf("got %d partner tables, want 2", n)
	}
	acme := strings.Index(page, "<h2>ACME Benefits <small>acme · 3 groups: 1 pending, 1 synced, 1 errors</small></h2>")
	north := strings.Index(page, "<h2>Northwind HR <small>northwind · 2 groups: 1 submitted, 1 errors</small></h2>")
	if acme < 0 || north < 0 || acme > north {
		t.Fatalf("partner headings missing or out of order (acme at %d, northwind at %d)", acme, north)
	}
	acmeTable, northTable := page[acme:north], page[north:]
	assertOrder(t, acmeTable, "G-1001", "G-1002", "G-1003")
	assertOrder(t, northTable, "NW-3", "NW-7")
	if strings.Contains(acmeTable, "NW-7") || strings.Contains(northTable, "G-1001") {
		t.Error("a group is in another partner's table")
	}
	for _, want := range []string{
		`<tr class="st-errors"><td class="sticky">&lt;script&gt;alert(1)&lt;/script&gt; LLC<span class="sub">G-1002</span></td><td><span class="badge">errors</span></td><td>3d 4h`,
		`<td class="num n-synced">5</td><td class="num n-errors">2</td>`,
		`BLUECROSS-834-000000049.x12<span class="sub"><time datetime="2025-03-07T07:30:00Z">2025-03-07 07:30 UTC</time></span>`,
		`<td>BCX-778812</td>`,
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
	pending := section(t, renderHTML(t, sampleRows(), testTitle), "pending")
	assertOrder(t, pending, "G-1002", "NW-7", "NW-3", "G-1003")
	if strings.Contains(pending, "G-1001") {
		t.Error("a synced group with nothing pending is listed")
	}
	for _, want := range []string{"<td>3d 4h</td>", "partner to fix 3 error(s) and send an updated file", "<td>47m</td>"} {
		if !strings.Contains(pending, want) {
			t.Errorf("pending actions lack %s", want)
		}
	}
}

func TestWriteHTMLMostFrequentErrors(t *testing.T) {
	errs := section(t, renderHTML(t, sampleRows(), testTitle), "errors")
	for _, want := range []string{
		`<tr><td class="num">2</td><td class="num">1</td><td class="wrap">coverage must start on the first day of a month</td></tr>`,
		`<tr><td class="num">2</td><td class="num">2</td><td class="wrap">zip must be 5 digits or ZIP&#43;4</td></tr>`,
		`<tr><td class="num">1</td><td class="num">1</td><td class="wrap">birth_date must be a date in the past</td></tr>`,
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
	for _, want := range []string{"0 groups · 0 partners", "Nothing is waiting.", "No outstanding errors.", "No groups yet.", "<svg"} {
		if !strings.Contains(page, want) {
			t.Errorf("empty report lacks %q", want)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestWriteErrorsWrap(t *testing.T) {
	if err := WriteHTML(failingWriter{}, sampleRows(), now, "t"); err == nil || !strings.Contains(err.Error(), "writing status html: disk full") {
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
