package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
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
	if err := WriteHTML(&buf, sampleRows(), now, testTitle); err != nil {
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
