package intake

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestOverlap: items arrive in order; a failed consume stops the producer
// and wins over its error; a producer's error and panic reach the caller.
func TestOverlap(t *testing.T) {
	ctx := context.Background()
	count := func(n int) func(context.Context, func(int) error) error {
		return func(ctx context.Context, emit func(int) error) error {
			for i := range n {
				if err := emit(i); err != nil {
					return err
				}
			}
			return nil
		}
	}
	var got []int
	if err := overlap(ctx, count(100), func(i int) error { got = append(got, i); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := slices.Collect(func(yield func(int) bool) {
		for i := range 100 {
			if !yield(i) {
				return
			}
		}
	}); !slices.Equal(got, want) {
		t.Fatalf("consumed %v", got)
	}

	stop := errors.New("stop")
	produced := 0
	err := overlap(ctx, func(ctx context.Context, emit func(int) error) error {
		for i := 0; ; i++ {
			if err := emit(i); err != nil {
				produced = i
				return err
			}
		}
	}, func(i int) error {
		if i == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) {
		t.Fatalf("consume's error: got %v", err)
	}
	if produced > 10 {
		t.Errorf("the producer went on to %d items after the consumer failed", produced)
	}

	broken := errors.New("broken")
	if err := overlap(ctx, func(context.Context, func(int) error) error { return broken }, func(int) error { return nil }); !errors.Is(err, broken) {
		t.Fatalf("producer's error: got %v", err)
	}

	defer func() {
		if r := recover(); r != "boom" {
			t.Fatalf("recovered %v, want the producer's panic", r)
		}
	}()
	overlap(ctx, func(context.Context, func(int) error) error { panic("boom") }, func(int) error { return nil })
	t.Fatal("the producer's panic did not reach the caller")
}
