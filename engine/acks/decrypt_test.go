package acks

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onboard/onboard/engine/pgp/pgptest"
)

// A carrier with pgp sends its acknowledgements encrypted to onboard's
// key: they are decrypted and applied; one that does not decrypt moves to
// acks/failed/ with the reason beside it.
func TestEncryptedAcknowledgements(t *testing.T) {
	keys := t.TempDir()
	onboard := pgptest.NewKey(t, keys, "onboard", "pw")
	carrier := pgptest.NewKey(t, keys, "carrier", "")
	stranger := pgptest.NewKey(t, keys, "stranger", "")
	e := newEnv(t, fmt.Sprintf("    pgp: {public_key_file: %s, private_key_file: %s, passphrase_file: %s, verify_key_file: %s}\n",
		carrier.PublicFile, onboard.PrivateFile, onboard.PassphraseFile, carrier.PublicFile))
	if _, err := os.Stat(filepath.Join(e.inbox, sentFile+".pgp")); err != nil {
		t.Fatalf("the 834 was not delivered encrypted: %v", err)
	}

	e.drop("result-accepted.csv.pgp", pgptest.Armor(pgptest.Encrypt(t, testdata(t, "result-accepted.csv"), onboard, carrier, nil)))
	e.drop("other.csv.pgp", pgptest.Encrypt(t, testdata(t, "result-rejected.csv"), stranger, carrier, nil))
	res := e.run()
	got := map[string]string{}
	for _, f := range res.Files {
		got[f.Name] = f.Outcome
	}
	if got["result-accepted.csv.pgp"] != OutcomeApplied || got["other.csv.pgp"] != OutcomeFailed {
		t.Fatalf("outcomes: %v", got)
	}
	if s := e.statuses("GCM-001"); s != "GCM-001=synced E1001=synced E1002=synced E1003=synced" {
		t.Fatalf("statuses after the encrypted result file: %s", s)
	}
	if !e.exists("archive/result-accepted.csv.pgp") {
		t.Error("the applied acknowledgement was not archived as received")
	}
	why := e.read("failed/other.csv.pgp.error.txt")
	if !strings.Contains(why, "not encrypted to onboard's key") {
		t.Fatalf("failed reason: %s", why)
	}
}
