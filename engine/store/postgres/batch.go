package postgres

import (
	"context"
	"strings"
)

// batchRows is how many rows one multi-row INSERT carries: a statement per
// row cost more in the driver (binding, stepping, resetting) than SQLite
// spent storing the row. 64 rows of at most 11 columns stay far below
// SQLite's limit on parameters.
const batchRows = 64

// rowBatch collects the rows of one table and inserts them batchRows at a
// time. A batch whose rows reference another batch's rows (a dependent
// its subscriber) names that batch as after: it is flushed first.
type rowBatch struct {
	t     *pgTx
	head  string // INSERT INTO t (c1, c2) VALUES
	tail  string // an ON CONFLICT clause, or ""
	cols  int
	after *rowBatch
	args  []any
	n     int
	text  map[int]string // statement text by row count
}

func newRowBatch(t *pgTx, head, tail string, cols int, after *rowBatch) *rowBatch {
	return &rowBatch{t: t, head: head, tail: tail, cols: cols, after: after, args: make([]any, 0, batchRows*cols), text: map[int]string{}}
}

// add queues one row (cols values), inserting the batch when it is full.
func (b *rowBatch) add(ctx context.Context, vals ...any) error {
	b.args = append(b.args, vals...)
	b.n++
	if b.n == batchRows {
		return b.flush(ctx)
	}
	return nil
}

// flush inserts the queued rows.
func (b *rowBatch) flush(ctx context.Context) error {
	if b.after != nil {
		if err := b.after.flush(ctx); err != nil {
			return err
		}
	}
	if b.n == 0 {
		return nil
	}
	q, ok := b.text[b.n]
	if !ok {
		row := "(" + strings.TrimSuffix(strings.Repeat("?, ", b.cols), ", ") + ")"
		q = b.head + " " + strings.TrimSuffix(strings.Repeat(row+", ", b.n), ", ") + b.tail
		b.text[b.n] = q
	}
	_, err := b.t.tx.ExecContext(ctx, q, b.args...)
	clear(b.args)
	b.args, b.n = b.args[:0], 0
	return err
}
