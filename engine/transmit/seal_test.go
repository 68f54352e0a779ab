package transmit

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/onboard/onboard/engine/config"
	"github.com/onboard/onboard/engine/pgp"
	"github.com/onboard/onboard/engine/pgp/pgptest"
)

// A carrier with a pgp public key gets NAME.pgp, encrypted to its key and
// signed by onboard's, decrypting to the very file a carrier without pgp
// gets; the plaintext never appears in the inbox, even for a moment.
func TestEncryptedDelivery(t *testing.T) {
	keys := t.TempDir()
	carrierKey := pgptest.NewKey(t, keys, "carrier", "")
	onboardKey := pgptest.NewKey(t, keys, "onboard-sign", "sign pass")
	enc, err := pgp.LoadEncryptor(carrierKey.PublicFile, onboardKey.PrivateFile, onboardKey.PassphraseFile)
	if err != nil {
		t.Fatal(err)
	}
	c := testCarrier(config.ModeChange)
	c.PGP = &config.PGP{PublicKeyFile: carrierKey.PublicFile, Encryptor: enc}
	e := newEnv(t, c)
	for _, g := range censusSmall() {
		e.save(g)
	}
	res := e.run(firstRun)
	name := "bluecross-20270115093000-000000001.834"
	if len(res.Deliveries) != 1 || res.Deliveries[0].FileName != name {
		t.Fatalf("run: %+v", res)
	}
	entries, _ := os.ReadDir(e.inbox)
	if len(entries) != 1 || entries[0].Name() != name+".pgp" {
		t.Fatalf("inbox holds %v, want only %s.pgp", entries, name)
	}
	msg, err := os.ReadFile(filepath.Join(e.inbox, name+".pgp"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(msg, []byte("ISA*")) {
		t.Fatal("the inbox file holds plaintext X12")
	}
	plain, signer := pgptest.Decrypt(t, msg, carrierKey, onboardKey)
	if signer != onboardKey.Entity.PrimaryKey.KeyId && len(onboardKey.Entity.Subkeys) > 0 && signer != onboardKey.Entity.Subkeys[0].PublicKey.KeyId {
		t.Fatalf("signed by %X, want onboard's key", signer)
	}
	if signer == 0 {
		t.Fatal("the file is not signed")
	}
	checkGuide(t, name, plain, c)
	want, err := os.ReadFile(filepath.Join("testdata", "census-change.834"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, want) {
		t.Fatalf("decrypted file differs from the golden census-change.834")
	}
}
