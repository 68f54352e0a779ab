package report

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chromium finds a headless Chromium: skipped locally when missing, a
// failure in CI, which installs it (.ci/run).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; CI must install it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed; apt-get install chromium to run this test")
	return ""
}

// runChromium runs headless Chromium on a page with its own profile and
// home under dir, and returns its standard output.
func runChromium(t *testing.T, bin, dir string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "profile"),
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "XDG_CACHE_HOME="+dir)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("running chromium %v: %v\n%s", args, err, lastLines(stderr.String(), 20))
	}
	return stdout.Bytes()
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestHTMLInChromium renders the report in a real browser: the DOM it builds
// holds the employer names as text (no script element) and the chart, and a
// phone-sized screenshot shows the status colours.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	pagePath := filepath.Join(dir, "status.html")
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleAll(), now, testTitle, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pagePath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	url := "file://" + pagePath

	dom := string(runChromium(t, bin, dir, "--dump-dom", url))
	for _, want := range []string{
		"<title>ACME &amp; Northwind — onboarding status</title>",
		"Harbor &amp; Pine Bakery, LLC",
		"&lt;script&gt;alert(1)&lt;/script&gt; LLC",
		`=HYPERLINK("http://x","y")`,
		"Lakeside Dental Partners",
		`<span class="badge">synced</span>`,
		`<span class="badge">errors</span>`,
		`<span class="badge">pending</span>`,
		`<span class="badge">submitted</span>`,
		"Pending actions",
		"Most frequent errors",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("Chromium's DOM lacks %s", want)
		}
	}
	if strings.Count(dom, "<svg") != 1 || !strings.Contains(dom, "<title>errors: 2 groups</title>") {
		t.Error("Chromium's DOM lacks the summary <svg> chart")
	}
	if strings.Contains(strings.ToLower(dom), "<script") {
		t.Error("Chromium's DOM has a <script> element")
	}

	shot := filepath.Join(dir, "report.png")
	runChromium(t, bin, dir, "--screenshot="+shot, "--window-size=412,900", "--hide-scrollbars", url)
	if keep := os.Getenv("ONBOARD_KEEP_SCREENSHOTS"); keep != "" {
		for _, size := range []string{"1440,900", "390,844"} {
			runChromium(t, bin, dir, "--screenshot="+filepath.Join(keep, "status-"+strings.Replace(size, ",", "x", 1)+".png"),
				"--window-size="+size, "--hide-scrollbars", url)
		}
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding the screenshot: %v", err)
	}
	t.Logf("phone-sized screenshot: %s", shot)
	if b := img.Bounds(); b.Dx() != 412 || b.Dy() != 900 {
		t.Errorf("screenshot is %dx%d, want 412x900", b.Dx(), b.Dy())
	}
	// The errors bar of the chart is painted in the errors red (#b91c1c):
	// proof that the inline CSS and SVG rendered.
	red := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r>>8, 0xb9) && near(g>>8, 0x1c) && near(bl>>8, 0x1c) {
				red++
			}
		}
	}
	if red < 1000 {
		t.Errorf("only %d pixels of the errors red in the screenshot; the chart did not render", red)
	}
}

func near(v uint32, want int) bool { return int(v) >= want-6 && int(v) <= want+6 }

// measureScript, appended to a copy of the page (the page itself allows no
// script), records where the browser laid out each column of the partner
// tables and how wide the document is, as attributes of <body> that
// --dump-dom prints.
const measureScript = `<script>
(function(){
  var cols=[];
  document.querySelectorAll("section.partner table thead th").forEach(function(th){
    var r=th.getBoundingClientRect();
    cols.push(th.textContent.trim()+"|"+Math.round(r.left)+"|"+Math.round(r.right)+"|"+Math.round(r.width));
  });
  var b=(window.parent&&window.parent!==window)?window.parent.document.body:document.body;
  b.setAttribute("data-cols",cols.join(";"));
  b.setAttribute("data-scroll",document.documentElement.scrollWidth+"|"+window.innerWidth);
  var card=document.querySelector("section.partner tbody td");
  b.setAttribute("data-card",card?getComputedStyle(card).display+"|"+Math.round(card.getBoundingClientRect().right):"");
})();
</script>`

// TestHTMLLayoutInChromium lays the page out in Chromium at 1440x900 and
// 390x844 and reads the positions from the DOM: at 1440 every column of
// the group tables (Policy, Errors, Pending action included) lies within
// the window and the page does not scroll sideways; at 390 the rows are
// cards and nothing is wider than the phone.
func TestHTMLLayoutInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sampleAll(), now, testTitle, 0); err != nil {
		t.Fatal(err)
	}
	page := strings.Replace(buf.String(), `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`, "", 1)
	page = strings.Replace(page, "</body>", measureScript+"</body>", 1)
	if !strings.Contains(page, measureScript) || strings.Contains(page, "Content-Security-Policy") {
		t.Fatal("could not prepare the measuring copy")
	}
	// Served over loopback HTTP and framed at each size: Chromium's
	// headless window is never narrower than 500 px, an iframe is exactly
	// as wide as it is told, and the frame (same origin) writes what it
	// measured into the outer page that --dump-dom prints.
	mux := http.NewServeMux()
	mux.HandleFunc("/measure.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	mux.HandleFunc("/frame", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html><body style="margin:0"><iframe src="/measure.html" width="%s" height="%s" style="border:0;display:block"></iframe></body></html>`,
			r.URL.Query().Get("w"), r.URL.Query().Get("h"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	layout := func(w, h string) string {
		return string(runChromium(t, bin, dir, "--dump-dom", "--window-size=1600,1000", "--hide-scrollbars",
			"--virtual-time-budget=5000", srv.URL+"/frame?w="+w+"&h="+h))
	}
	attr := func(dom, name string) string {
		m := regexp.MustCompile(name + `="([^"]*)"`).FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("no %s in the DOM", name)
		}
		return html.UnescapeString(m[1])
	}

	dom := layout("1440", "900")
	scroll := strings.Split(attr(dom, "data-scroll"), "|")
	if scroll[0] != scroll[1] || scroll[1] != "1440" {
		t.Errorf("at 1440 the document is %s px wide in a %s px window: it scrolls sideways", scroll[0], scroll[1])
	}
	t.Logf("columns at 1440 (name|left|right|width): %s", attr(dom, "data-cols"))
	seen := map[string]bool{}
	for _, c := range strings.Split(attr(dom, "data-cols"), ";") {
		f := strings.Split(c, "|")
		if len(f) != 4 {
			t.Fatalf("column %q", c)
		}
		left, _ := strconv.Atoi(f[1])
		right, _ := strconv.Atoi(f[2])
		width, _ := strconv.Atoi(f[3])
		seen[f[0]] = true
		if left < 0 || right > 1440 || width < 40 {
			t.Errorf("at 1440 column %q spans %d..%d px (width %d): not on screen", f[0], left, right, width)
		}
	}
	for _, want := range []string{"Group", "Status", "Subscribers", "Policy", "Errors", "Pending action"} {
		if !seen[want] {
			t.Errorf("no column %q measured (got %v)", want, seen)
		}
	}

	dom = layout("390", "844")
	scroll = strings.Split(attr(dom, "data-scroll"), "|")
	if scroll[0] != scroll[1] || scroll[1] != "390" {
		t.Errorf("at 390 the document is %s px wide in a %s px window: it scrolls sideways", scroll[0], scroll[1])
	}
	card := strings.Split(attr(dom, "data-card"), "|")
	if right, _ := strconv.Atoi(card[1]); card[0] != "grid" || right > 390 {
		t.Errorf("at 390 a row's cell is %q ending at %s px, want a card cell within the screen", card[0], card[1])
	}
}
