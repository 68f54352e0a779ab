package postgres

import (
	"context"
	"fmt"

	"github.com/onboard/onboard/engine/model"
)

// newGroupKey assigns a new group its carrier group key: model.GroupKey,
// made unique among the carrier's groups (DESIGN.md §7).
func (t *pgTx) newGroupKey(ctx context.Context, g *model.Group) (string, error) {
	var qerr error
	key := model.UniqueGroupKey(model.GroupKey(g.PartnerID, g.ExternalIdentifier), func(k string) bool {
		var n int
		if err := t.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM groups WHERE carrier_id = ? AND (carrier_group_key = ? OR policy_number = ?)`,
			g.CarrierID, k, k).Scan(&n); err != nil {
			qerr = err
			return false
		}
		return n > 0
	})
	if qerr != nil {
		return "", fmt.Errorf("assigning the carrier key of group %s: %w", g.ExternalIdentifier, qerr)
	}
	g.CarrierGroupKey = key
	return key, nil
}
