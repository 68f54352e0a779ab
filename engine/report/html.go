package report

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// WriteHTML writes the status report as one self-contained HTML page: inline
// CSS, no scripts, no external assets, readable on a phone. It shows a chart
// of groups by status (inline SVG), the pending actions oldest first, the
// most frequent errors, and a table per partner. Ages are measured to now
// and times shown in UTC. Every value is escaped by html/template. The page
// is streamed: on an error, w may hold part of it (WriteFiles writes through
// an atomic folder write, which then leaves nothing).
func WriteHTML(w io.Writer, rows []Row, now time.Time, title string) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := pageTemplate.Execute(bw, newPage(rows, now, title)); err != nil {
		return fmt.Errorf("rendering status html: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing status html: %w", err)
	}
	return nil
}

// page is what the template renders; everything is computed up front so
// the template only places values.
type page struct {
	Title                    string
	Generated, GeneratedISO  string
	Groups, PartnerCount     int
	Chart                    chart
	Pending                  []rowView
	Errors                   []topError
	Partners                 []partnerView
	SubscriberStatusHeadings []string
}

type partnerView struct {
	ID, Name string
	Summary  string // "3 groups: 1 pending, 2 synced"
	Rows     []rowView
}

type rowView struct {
	Row
	Class                         string // CSS class of the status
	SinceText, SinceISO, Age      string
	PendingText, PendingISO, Wait string
	File, Transmission, Ack       event
	Subscribers                   []subscriberCount
}

// event is a named thing that happened at a time, shown on two lines.
type event struct {
	Name, When, ISO string
}

func newEvent(name string, at time.Time) event {
	e := event{Name: name, When: humanTime(at)}
	if !at.IsZero() {
		e.ISO = at.UTC().Format(time.RFC3339)
	}
	return e
}

type subscriberCount struct {
	Status string
	Count  int
	Class  string
}

// chart is the horizontal bar chart of groups by status, laid out in SVG
// user units (the viewBox); CSS scales it to the page.
type chart struct {
	Width, Height              int
	LabelX, BarX, Track, Thick int
	Title                      string
	Bars                       []bar
}

type bar struct {
	Label, Class, Title     string
	Count                   int
	Y, TextY, Width, CountX int
}

// Chart geometry, in viewBox units.
const (
	chartWidth    = 400
	chartBarX     = 104 // bars start right of the labels
	chartBarMax   = 240 // the longest bar; room is left for its count
	chartRow      = 36
	chartBarThick = 24
)

func newPage(rows []Row, now time.Time, title string) page {
	sorted := sortRows(rows)
	p := page{
		Title:                    title,
		Generated:                humanTime(now),
		GeneratedISO:             now.UTC().Format(time.RFC3339),
		Groups:                   len(sorted),
		Chart:                    newChart(sorted),
		Errors:                   topErrors(sorted),
		SubscriberStatusHeadings: statusOrder(),
	}
	for _, r := range pendingRows(sorted) {
		p.Pending = append(p.Pending, newRowView(r, now))
	}
	for _, r := range sorted {
		if n := len(p.Partners); n == 0 || p.Partners[n-1].ID != r.Partner {
			name := r.PartnerName
			if name == "" {
				name = r.Partner
			}
			p.Partners = append(p.Partners, partnerView{ID: r.Partner, Name: name})
		}
		pv := &p.Partners[len(p.Partners)-1]
		pv.Rows = append(pv.Rows, newRowView(r, now))
	}
	for i := range p.Partners {
		var rs []Row
		for _, v := range p.Partners[i].Rows {
			rs = append(rs, v.Row)
		}
		p.Partners[i].Summary = summarize(rs)
	}
	p.PartnerCount = len(p.Partners)
	return p
}

func newRowView(r Row, now time.Time) rowView {
	v := rowView{
		Row:          r,
		Class:        statusClass(r.Status),
		SinceText:    humanTime(r.StatusSince),
		Age:          formatAge(r.StatusSince, now),
		PendingText:  humanTime(r.PendingSince),
		Wait:         formatAge(r.PendingSince, now),
		File:         newEvent(r.LastFileReceived, r.LastFileAt),
		Transmission: newEvent(r.LastTransmission, r.LastTransmissionAt),
		Ack:          newEvent(r.LastAck, r.LastAckAt),
	}
	if !r.StatusSince.IsZero() {
		v.SinceISO = r.StatusSince.UTC().Format(time.RFC3339)
	}
	if !r.PendingSince.IsZero() {
		v.PendingISO = r.PendingSince.UTC().Format(time.RFC3339)
	}
	for _, s := range statusOrder() {
		v.Subscribers = append(v.Subscribers, subscriberCount{Status: s, Count: r.SubscribersByStatus[s], Class: statusClass(s)})
	}
	return v
}

// statusClass maps a status to its CSS class; an unknown status is grey.
func statusClass(s string) string {
	if slices.Contains(statusOrder(), s) {
		return "st-" + s
	}
	return "st-other"
}

// countStatuses counts rows by status: the known statuses in lifecycle
// order (zeros included), then any other status met, by name.
func countStatuses(rows []Row) (labels []string, counts map[string]int) {
	counts = map[string]int{}
	var other []string
	for _, r := range rows {
		if counts[r.Status] == 0 && !slices.Contains(statusOrder(), r.Status) {
			other = append(other, r.Status)
		}
		counts[r.Status]++
	}
	slices.Sort(other)
	return append(statusOrder(), other...), counts
}

// summarize says "3 groups: 1 pending, 2 synced" (only statuses present).
func summarize(rows []Row) string {
	labels, counts := countStatuses(rows)
	var parts []string
	for _, l := range labels {
		if counts[l] > 0 {
			parts = append(parts, strconv.Itoa(counts[l])+" "+displayStatus(l))
		}
	}
	s := plural(len(rows), "group")
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	return s
}

func displayStatus(s string) string {
	if s == "" {
		return "(no status)"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func newChart(rows []Row) chart {
	labels, counts := countStatuses(rows)
	most := 0
	for _, n := range counts {
		most = max(most, n)
	}
	c := chart{
		Width: chartWidth, Height: len(labels)*chartRow + 4,
		LabelX: chartBarX - 8, BarX: chartBarX, Track: chartBarMax, Thick: chartBarThick,
	}
	var titles []string
	for i, l := range labels {
		n := counts[l]
		w := 0
		if most > 0 {
			w = n * chartBarMax / most
		}
		if n > 0 {
			w = max(w, 3) // a count of one among thousands stays visible
		}
		y := 2 + i*chartRow + (chartRow-chartBarThick)/2
		c.Bars = append(c.Bars, bar{
			Label:  displayStatus(l),
			Class:  statusClass(l),
			Title:  displayStatus(l) + ": " + plural(n, "group"),
			Count:  n,
			Y:      y,
			TextY:  y + chartBarThick/2,
			Width:  w,
			CountX: chartBarX + w + 6,
		})
		titles = append(titles, strconv.Itoa(n)+" "+displayStatus(l))
	}
	c.Title = "Groups by status: " + strings.Join(titles, ", ")
	return c
}

var pageTemplate = template.Must(template.New("status").Parse(pageHTML + eventHTML))

// eventHTML shows an event's name with its time below.
const eventHTML = `{{define "event"}}{{.Name}}{{if .ISO}}<span class="sub"><time datetime="{{.ISO}}">{{.When}}</time></span>{{end}}{{end}}`

// pageHTML is the page. Colours: pending amber, submitted blue, synced
// green, errors red, always paired with the status word so nothing relies
// on colour alone. The CSP forbids scripts and every remote load.
const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{{.Title}}</title>
<style>
:root{--pending:#b45309;--pending-bg:#fef3c7;--submitted:#1d4ed8;--submitted-bg:#dbeafe;
--synced:#15803d;--synced-bg:#dcfce7;--errors:#b91c1c;--errors-bg:#fee2e2;--other:#4b5563;--other-bg:#e5e7eb;
--line:#e2e8f0;--muted:#64748b;--ink:#0f172a;--head:#f1f5f9}
*{box-sizing:border-box}
body{margin:0;background:#f8fafc;color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;-webkit-text-size-adjust:100%}
main{max-width:1440px;margin:0 auto;padding:16px 12px 40px}
header h1{font-size:1.45rem;margin:4px 0 2px;line-height:1.2}
.meta{color:var(--muted);margin:0}
section{background:#fff;border:1px solid var(--line);border-radius:12px;padding:14px 14px 10px;margin:14px 0}
h2{font-size:1.1rem;margin:0 0 8px}
h2 small{font-weight:400;color:var(--muted);font-size:.9rem}
.chart{display:block;width:100%;max-width:440px;height:auto}
.chart text{font-size:15px;fill:var(--ink)}
.chart .label{text-anchor:end}
.chart .count{font-weight:700}
.chart .track{fill:#f1f5f9}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:0 -14px;padding:0 14px}
table{border-collapse:separate;border-spacing:0;width:100%;font-size:14px}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;white-space:nowrap}
thead th{background:var(--head);font-weight:600;font-size:13px;color:#334155}
tbody tr:last-child td{border-bottom:0}
.num{text-align:right;font-variant-numeric:tabular-nums;width:1%}
thead th{vertical-align:bottom}
thead th[colspan]{text-align:center;border-bottom:1px solid #cbd5e1}
.wrap{white-space:normal;min-width:12em;max-width:32em;overflow-wrap:anywhere}
.id{white-space:normal;min-width:9em;max-width:11em;overflow-wrap:anywhere}
.sticky{position:sticky;left:0;z-index:1;background:#fff;box-shadow:1px 0 0 var(--line);white-space:normal;min-width:9.5em;max-width:13em;overflow-wrap:anywhere}
thead .sticky{background:var(--head)}
.sub{display:block;color:var(--muted);font-size:12.5px}
.muted{color:var(--muted);font-size:12.5px}
.zero{color:#cbd5e1}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-weight:600;font-size:13px;border:1px solid transparent}
.st-pending .badge,.badge.st-pending{color:var(--pending);background:var(--pending-bg)}
.st-submitted .badge,.badge.st-submitted{color:var(--submitted);background:var(--submitted-bg)}
.st-synced .badge,.badge.st-synced{color:var(--synced);background:var(--synced-bg)}
.st-errors .badge,.badge.st-errors{color:var(--errors);background:var(--errors-bg)}
.st-other .badge,.badge.st-other{color:var(--other);background:var(--other-bg)}
rect.st-pending{fill:var(--pending)}rect.st-submitted{fill:var(--submitted)}
rect.st-synced{fill:var(--synced)}rect.st-errors{fill:var(--errors)}rect.st-other{fill:var(--other)}
td.n-errors:not(.zero){color:var(--errors);font-weight:700}
.empty{color:var(--muted);margin:4px 0 8px}
footer{color:var(--muted);font-size:13px;text-align:center}
@media (max-width:480px){main{padding:12px 8px 32px}section{padding:12px 10px 8px;border-radius:10px}
.table-wrap{margin:0 -10px;padding:0 10px}th,td{padding:6px 8px}.sticky{min-width:8.5em;max-width:10em}}
</style>
</head>
<body>
<main>
<header>
<h1>{{.Title}}</h1>
<p class="meta">Generated <time datetime="{{.GeneratedISO}}">{{.Generated}}</time> · {{.Groups}} group{{if ne .Groups 1}}s{{end}} · {{.PartnerCount}} partner{{if ne .PartnerCount 1}}s{{end}}</p>
</header>

<section id="summary">
<h2>Groups by status</h2>
<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 {{.Chart.Width}} {{.Chart.Height}}" width="{{.Chart.Width}}" height="{{.Chart.Height}}" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">{{.Chart.Title}}</title>
{{- $c := .Chart}}
{{- range $c.Bars}}
<g>
<title>{{.Title}}</title>
<text class="label" x="{{$c.LabelX}}" y="{{.TextY}}" dy="0.35em">{{.Label}}</text>
<rect class="track" x="{{$c.BarX}}" y="{{.Y}}" width="{{$c.Track}}" height="{{$c.Thick}}" rx="4"></rect>
<rect class="{{.Class}}" x="{{$c.BarX}}" y="{{.Y}}" width="{{.Width}}" height="{{$c.Thick}}" rx="4"></rect>
<text class="count" x="{{.CountX}}" y="{{.TextY}}" dy="0.35em">{{.Count}}</text>
</g>
{{- end}}
</svg>
</section>

<section id="pending">
<h2>Pending actions <small>oldest first</small></h2>
{{- if .Pending}}
<div class="table-wrap"><table>
<thead><tr><th class="sticky">Group</th><th>Waiting</th><th>Action</th><th>Status</th><th>Since</th><th>Partner</th></tr></thead>
<tbody>
{{- range .Pending}}
<tr class="{{.Class}}"><td class="sticky">{{.Employer}}<span class="sub">{{.GroupExternalID}}</span></td><td>{{.Wait}}</td><td class="wrap">{{.PendingAction}}</td><td><span class="badge">{{.Status}}</span></td><td>{{if .PendingISO}}<time datetime="{{.PendingISO}}">{{.PendingText}}</time>{{end}}</td><td>{{.Partner}}</td></tr>
{{- end}}
</tbody></table></div>
{{- else}}
<p class="empty">Nothing is waiting.</p>
{{- end}}
</section>

<section id="errors">
<h2>Most frequent errors</h2>
{{- if .Errors}}
<div class="table-wrap"><table>
<thead><tr><th class="num">Count</th><th class="num">Groups</th><th>Message</th></tr></thead>
<tbody>
{{- range .Errors}}
<tr><td class="num">{{.Count}}</td><td class="num">{{.Groups}}</td><td class="wrap">{{.Message}}</td></tr>
{{- end}}
</tbody></table></div>
{{- else}}
<p class="empty">No outstanding errors.</p>
{{- end}}
</section>
{{- $subs := .SubscriberStatusHeadings}}
{{- range .Partners}}

<section class="partner">
<h2>{{.Name}} <small>{{.ID}} · {{.Summary}}</small></h2>
<div class="table-wrap"><table>
<thead>
<tr><th class="sticky" rowspan="2">Group</th><th rowspan="2">Status</th><th rowspan="2">In status</th><th rowspan="2">Carrier</th><th colspan="4">Subscribers</th><th rowspan="2">Last file received</th><th rowspan="2">Last transmission</th><th rowspan="2">Last acknowledgement</th><th rowspan="2">Policy</th><th rowspan="2" class="num">Errors</th><th rowspan="2">Pending action</th><th rowspan="2">Group id</th></tr>
<tr>{{range $subs}}<th class="num">{{.}}</th>{{end}}</tr>
</thead>
<tbody>
{{- range .Rows}}
<tr class="{{.Class}}"><td class="sticky">{{.Employer}}<span class="sub">{{.GroupExternalID}}</span></td><td><span class="badge">{{.Status}}</span></td><td>{{.Age}}{{if .SinceISO}}<span class="sub"><time datetime="{{.SinceISO}}">{{.SinceText}}</time></span>{{end}}</td><td>{{.Carrier}}</td>
{{- range .Subscribers}}<td class="num n-{{.Status}}{{if eq .Count 0}} zero{{end}}">{{.Count}}</td>{{end -}}
<td>{{template "event" .File}}</td><td>{{template "event" .Transmission}}</td><td>{{template "event" .Ack}}</td><td>{{.PolicyNumber}}</td><td class="num n-errors{{if eq .ErrorCount 0}} zero{{end}}">{{.ErrorCount}}</td><td class="wrap">{{.PendingAction}}</td><td class="muted id">{{.GroupID}}</td></tr>
{{- end}}
</tbody></table></div>
</section>
{{- else}}

<section><p class="empty">No groups yet.</p></section>
{{- end}}

<footer>onboard status report · times in UTC</footer>
</main>
</body>
</html>
`
