package transport_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/onboard/onboard/engine/transport"
)

func ExampleNewLocal() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	f, err := transport.NewLocal(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	// Written to ".acme.csv.tmp" first, then renamed: never seen half-written.
	_ = f.Write(ctx, "acme.csv", strings.NewReader("group_id,employer_name\n"), 0o600)
	_ = f.Rename(ctx, "acme.csv", "archive/acme.csv")

	files, _ := transport.Sub(f, "archive").List(ctx, "")
	for _, fi := range files {
		fmt.Println(fi.Name, fi.Size)
	}
	// Output: acme.csv 23
}
