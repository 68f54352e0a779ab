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
// most frequent errors with the groups and members they are on, the recent
// rejected intakes, a table per partner that fits a 1440 px screen without
// scrolling sideways (and turns into cards on a phone), and under an anchor
// per group (#g-ID) its status timeline. Ages are measured to now and times
// shown in UTC. Every value is escaped by html/template. refresh, when
// positive, makes the page reload itself as often as the report is written
// (<meta http-equiv="refresh">). The page is streamed: on an error, w may
// hold part of it (WriteFiles writes through an atomic folder write, which
// then leaves nothing).
func WriteHTML(w io.Writer, rows []Row, now time.Time, title string, refresh time.Duration) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	p := newPage(rows, now, title)
	if refresh > 0 {
		p.Refresh = int(max(1, refresh.Round(time.Second)/time.Second))
	}
	if err := pageTemplate.Execute(bw, p); err != nil {
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
	Refresh                  int // seconds; 0: no refresh
	Rejected                 []rowView
	Histories                []rowView
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
	Anchor                        string // the group's anchor id ("g-" + id)
	Class                         string // CSS class of the status
	SinceText, SinceISO, Age      string
	PendingText, PendingISO, Wait string
	File, Transmission, Ack       event
	Subscribers                   []subscriberCount
	Timeline                      []historyView
	ErrorCount                    int
}

// historyView is one entry of a group's timeline.
type historyView struct {
	When, ISO, From, To, Reason, Class string
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
	var groups []Row
	p := page{
		Title:                    title,
		Generated:                humanTime(now),
		GeneratedISO:             now.UTC().Format(time.RFC3339),
		SubscriberStatusHeadings: statusOrder(),
	}
	for _, r := range rows {
		if r.Rejected {
			p.Rejected = append(p.Rejected, newRowView(r, now))
			continue
		}
		groups = append(groups, r)
	}
	slices.SortStableFunc(p.Rejected, func(a, b rowView) int { return b.StatusSince.Compare(a.StatusSince) }) // newest first
	sorted := sortRows(groups)
	p.Groups = len(sorted)
	p.Chart = newChart(sorted)
	p.Errors = topErrors(sorted)
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
		v := newRowView(r, now)
		pv.Rows = append(pv.Rows, v)
		p.Histories = append(p.Histories, v)
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
		Ack:          newEvent(joinNonEmpty(r.LastAck, r.AckCounts, ": "), r.LastAckAt),
		ErrorCount:   r.ErrorCount,
	}
	if r.GroupID != "" {
		v.Anchor = "g-" + r.GroupID
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
	for _, h := range r.History {
		e := newEvent("", h.At)
		v.Timeline = append(v.Timeline, historyView{When: e.When, ISO: e.ISO, From: h.From, To: h.To, Reason: h.Reason, Class: statusClass(h.To)})
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
// on colour alone. The CSP forbids scripts and every remote load. The
// group tables have a fixed layout whose columns share the width (they
// wrap instead of widening the page); below 760 px each row is a card.
const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
{{- if .Refresh}}
<meta http-equiv="refresh" content="{{.Refresh}}">
{{- end}}
<title>{{.Title}}</title>
<style>
:root{--pending:#b45309;--pending-bg:#fef3c7;--submitted:#1d4ed8;--submitted-bg:#dbeafe;
--synced:#15803d;--synced-bg:#dcfce7;--errors:#b91c1c;--errors-bg:#fee2e2;--other:#4b5563;--other-bg:#e5e7eb;
--line:#e2e8f0;--muted:#64748b;--ink:#0f172a;--head:#f1f5f9;--link:#1d4ed8}
*{box-sizing:border-box}
html{scroll-behavior:smooth}
body{margin:0;background:#f8fafc;color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;-webkit-text-size-adjust:100%}
main{max-width:1440px;margin:0 auto;padding:16px 16px 40px}
header h1{font-size:1.45rem;margin:4px 0 2px;line-height:1.2}
.meta{color:var(--muted);margin:0}
nav.toc{margin:8px 0 0;font-size:14px}
nav.toc a{margin-right:14px}
a{color:var(--link);text-decoration:none}
a:hover,a:focus{text-decoration:underline}
section{background:#fff;border:1px solid var(--line);border-radius:12px;padding:14px 14px 10px;margin:14px 0}
.cols{display:grid;grid-template-columns:minmax(0,5fr) minmax(0,7fr);gap:14px}
.cols>section{margin:0}
h2{font-size:1.1rem;margin:0 0 8px}
h2 small,h3 small{font-weight:400;color:var(--muted);font-size:.9rem}
h3{font-size:1rem;margin:0 0 6px}
.chart{display:block;width:100%;max-width:440px;height:auto}
.chart text{font-size:15px;fill:var(--ink)}
.chart .label{text-anchor:end}
.chart .count{font-weight:700}
.chart .track{fill:#f1f5f9}
table{border-collapse:separate;border-spacing:0;width:100%;font-size:14px;table-layout:fixed}
th,td{padding:7px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;overflow-wrap:anywhere}
thead th{background:var(--head);font-weight:600;font-size:13px;color:#334155;vertical-align:bottom}
tbody tr:last-child td{border-bottom:0}
.num{text-align:right;font-variant-numeric:tabular-nums}
.sub{display:block;color:var(--muted);font-size:12.5px}
.gid{display:block;color:#94a3b8;font-size:11.5px;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.muted{color:var(--muted);font-size:12.5px}
.zero{color:#cbd5e1}
.emp{font-weight:600}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-weight:600;font-size:13px;border:1px solid transparent}
.st-pending .badge,.badge.st-pending{color:var(--pending);background:var(--pending-bg)}
.st-submitted .badge,.badge.st-submitted{color:var(--submitted);background:var(--submitted-bg)}
.st-synced .badge,.badge.st-synced{color:var(--synced);background:var(--synced-bg)}
.st-errors .badge,.badge.st-errors{color:var(--errors);background:var(--errors-bg)}
.st-other .badge,.badge.st-other{color:var(--other);background:var(--other-bg)}
rect.st-pending{fill:var(--pending)}rect.st-submitted{fill:var(--submitted)}
rect.st-synced{fill:var(--synced)}rect.st-errors{fill:var(--errors)}rect.st-other{fill:var(--other)}
.members{list-style:none;margin:0;padding:0}
.members li{white-space:nowrap}
.members .n{display:inline-block;min-width:2.2em;text-align:right;font-weight:700;font-variant-numeric:tabular-nums;margin-right:4px}
.n-errors:not(.zero) .n{color:var(--errors)}
dl.act{margin:0;display:grid;grid-template-columns:auto 1fr;column-gap:8px;row-gap:3px}
dl.act dt{color:var(--muted);font-size:12.5px;padding-top:1px}
dl.act dd{margin:0;min-width:0}
td.errs:not(.zero){color:var(--errors);font-weight:700}
.where{margin:0;padding:0;list-style:none;font-size:13px}
.where li{display:inline}
.where li+li::before{content:" · ";color:var(--muted)}
.empty{color:var(--muted);margin:4px 0 8px}
.hist{border-top:1px solid var(--line);padding:10px 0 6px;scroll-margin-top:8px}
.hist:first-of-type{border-top:0}
.hist:target{background:#fffbeb;margin:0 -14px;padding:10px 14px 6px}
ol.timeline{margin:0;padding:0 0 0 18px;font-size:14px}
ol.timeline li{margin:2px 0}
.to{font-weight:600}
footer{color:var(--muted);font-size:13px;text-align:center}
@media (max-width:1100px){.cols{grid-template-columns:minmax(0,1fr)}}
@media (max-width:760px){
main{padding:12px 8px 32px}section{padding:12px 10px 8px;border-radius:10px}
table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
table.cards colgroup,table.cards thead{display:none}
table.cards tr{border:1px solid var(--line);border-radius:10px;margin:0 0 10px;padding:4px 0}
table.cards td{border:0;padding:4px 10px;display:grid;grid-template-columns:7.5em minmax(0,1fr);gap:8px}
table.cards td::before{content:attr(data-label);color:var(--muted);font-size:12.5px;font-weight:600}
table.cards td.num{text-align:left}
.hist:target{margin:0 -10px;padding:10px 10px 6px}}
</style>
</head>
<body>
<main id="top">
<header>
<h1>{{.Title}}</h1>
<p class="meta">Generated <time datetime="{{.GeneratedISO}}">{{.Generated}}</time> · {{.Groups}} group{{if ne .Groups 1}}s{{end}} · {{.PartnerCount}} partner{{if ne .PartnerCount 1}}s{{end}}{{if .Rejected}} · {{len .Rejected}} rejected intake{{if ne (len .Rejected) 1}}s{{end}}{{end}}{{if .Refresh}} · reloads every {{.Refresh}}s{{end}}</p>
<nav class="toc"><a href="#pending">Pending actions</a><a href="#errors">Errors</a><a href="#rejected">Rejected intakes</a>{{range .Partners}}<a href="#p-{{.ID}}">{{.Name}}</a>{{end}}<a href="#histories">Histories</a></nav>
</header>

<div class="cols">
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

<section id="errors">
<h2>Most frequent errors</h2>
{{- if .Errors}}
<table class="cards">
<colgroup><col style="width:4.5em"><col style="width:5.5em"><col><col style="width:36%"></colgroup>
<thead><tr><th class="num">Count</th><th class="num">Groups</th><th>Message</th><th>Where (group: members)</th></tr></thead>
<tbody>
{{- range .Errors}}
<tr><td class="num" data-label="Count">{{.Count}}</td><td class="num" data-label="Groups">{{.Groups}}</td><td data-label="Message">{{.Message}}</td><td data-label="Where"><ul class="where">{{range .Where}}<li>{{if .GroupID}}<a href="#g-{{.GroupID}}">{{.Partner}} {{.Group}}</a>{{else}}{{.Partner}} {{.Group}}{{end}}{{if .Members}}: {{.Members}}{{end}}</li>{{end}}{{if .More}}<li>and {{.More}} more group(s)</li>{{end}}</ul></td></tr>
{{- end}}
</tbody></table>
{{- else}}
<p class="empty">No outstanding errors.</p>
{{- end}}
</section>
</div>

<section id="pending">
<h2>Pending actions <small>oldest first</small></h2>
{{- if .Pending}}
<table class="cards">
<colgroup><col style="width:22%"><col style="width:7%"><col><col style="width:10%"><col style="width:13%"><col style="width:9%"></colgroup>
<thead><tr><th>Group</th><th>Waiting</th><th>Action</th><th>Status</th><th>Since</th><th>Partner</th></tr></thead>
<tbody>
{{- range .Pending}}
<tr class="{{.Class}}"><td data-label="Group"><a class="emp" href="#{{.Anchor}}">{{.Employer}}</a><span class="sub">{{.GroupExternalID}}</span></td><td data-label="Waiting">{{.Wait}}</td><td data-label="Action">{{.PendingAction}}</td><td data-label="Status"><span class="badge">{{.Status}}</span></td><td data-label="Since">{{if .PendingISO}}<time datetime="{{.PendingISO}}">{{.PendingText}}</time>{{end}}</td><td data-label="Partner">{{.Partner}}</td></tr>
{{- end}}
</tbody></table>
{{- else}}
<p class="empty">Nothing is waiting.</p>
{{- end}}
</section>

<section id="rejected">
<h2>Rejected intakes <small>groups a rejected file kept out of onboard, newest first</small></h2>
{{- if .Rejected}}
<table class="cards">
<colgroup><col style="width:12%"><col style="width:16%"><col style="width:22%"><col style="width:7%"><col style="width:15%"><col></colgroup>
<thead><tr><th>Partner</th><th>Group</th><th>File</th><th class="num">Errors</th><th>Since</th><th>Action</th></tr></thead>
<tbody>
{{- range .Rejected}}
<tr class="st-errors"><td data-label="Partner">{{.Partner}}</td><td data-label="Group">{{if .GroupExternalID}}{{.GroupExternalID}}{{else}}<span class="muted">(whole file)</span>{{end}}</td><td data-label="File">{{.LastFileReceived}}</td><td class="num errs" data-label="Errors">{{.ErrorCount}}</td><td data-label="Since">{{.Age}}{{if .SinceISO}}<span class="sub"><time datetime="{{.SinceISO}}">{{.SinceText}}</time></span>{{end}}</td><td data-label="Action">{{.PendingAction}}</td></tr>
{{- end}}
</tbody></table>
{{- else}}
<p class="empty">No rejected intakes.</p>
{{- end}}
</section>
{{- range .Partners}}

<section class="partner" id="p-{{.ID}}">
<h2>{{.Name}} <small>{{.ID}} · {{.Summary}}</small></h2>
<table class="cards groups">
<colgroup><col style="width:21%"><col style="width:11%"><col style="width:12%"><col style="width:25%"><col style="width:9%"><col style="width:5%"><col></colgroup>
<thead><tr><th>Group</th><th>Status</th><th>Subscribers</th><th>Last file · transmission · acknowledgement</th><th>Policy</th><th class="num">Errors</th><th>Pending action</th></tr></thead>
<tbody>
{{- range .Rows}}
<tr class="{{.Class}}"><td data-label="Group"><a class="emp" href="#{{.Anchor}}">{{.Employer}}</a><span class="sub">{{.GroupExternalID}} · {{.Carrier}}</span><span class="gid">{{.GroupID}}</span></td><td data-label="Status"><span class="badge">{{.Status}}</span><span class="sub">{{.Age}}{{if .SinceISO}} · <time datetime="{{.SinceISO}}">{{.SinceText}}</time>{{end}}</span></td><td data-label="Subscribers"><ul class="members">{{range .Subscribers}}<li class="n-{{.Status}}{{if eq .Count 0}} zero{{end}}"><span class="n">{{.Count}}</span>{{.Status}}</li>{{end}}</ul></td><td data-label="Activity"><dl class="act"><dt>File</dt><dd>{{if .File.Name}}{{template "event" .File}}{{else}}<span class="zero">—</span>{{end}}</dd><dt>Sent</dt><dd>{{if .Transmission.Name}}{{template "event" .Transmission}}{{else}}<span class="zero">—</span>{{end}}</dd><dt>Ack</dt><dd>{{if .Ack.Name}}{{template "event" .Ack}}{{else}}<span class="zero">—</span>{{end}}</dd></dl></td><td data-label="Policy">{{.PolicyNumber}}</td><td class="num errs{{if eq .ErrorCount 0}} zero{{end}}" data-label="Errors">{{.ErrorCount}}</td><td data-label="Pending action">{{.PendingAction}}</td></tr>
{{- end}}
</tbody></table>
</section>
{{- else}}

<section><p class="empty">No groups yet.</p></section>
{{- end}}

<section id="histories">
<h2>Group histories <small>latest status changes, oldest first</small></h2>
{{- range .Histories}}
<article class="hist" id="{{.Anchor}}">
<h3>{{.Employer}} <small>{{.Partner}} · {{.GroupExternalID}} · now <span class="badge {{.Class}}">{{.Status}}</span></small></h3>
{{- if .Timeline}}
<ol class="timeline">
{{- range .Timeline}}
<li><time datetime="{{.ISO}}">{{.When}}</time> — {{if .From}}{{.From}} → {{end}}<span class="to">{{.To}}</span>{{if .Reason}}: {{.Reason}}{{end}}</li>
{{- end}}
</ol>
{{- else}}
<p class="empty">No status changes recorded.</p>
{{- end}}
<p class="muted"><a href="#p-{{.Partner}}">back to {{.Partner}}'s groups</a></p>
</article>
{{- else}}
<p class="empty">No groups yet.</p>
{{- end}}
</section>

<footer>onboard status report · times in UTC</footer>
</main>
</body>
</html>
`
