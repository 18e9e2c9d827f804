package gitrepo

import "testing"

// SignaturePayload takes out the gpgsig header and its continuation lines,
// and nothing else (sigcheck's tests check real signatures over it).
func TestSignaturePayload(t *testing.T) {
	head := "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\n"
	signed := head + "gpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lH\n \n -----END SSH SIGNATURE-----\nencoding ISO-8859-1\n\nSubject\n\n body line\n"
	payload, sig, ok := SignaturePayload(signed)
	if !ok {
		t.Fatal("a signed commit was not seen as signed")
	}
	if want := head + "encoding ISO-8859-1\n\nSubject\n\n body line\n"; payload != want {
		t.Errorf("payload = %q, want %q", payload, want)
	}
	if want := "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n\n-----END SSH SIGNATURE-----\n"; sig != want {
		t.Errorf("signature = %q, want %q", sig, want)
	}

	// A SHA-256 signature alongside is not signed over in a SHA-1 repository.
	both := head + "gpgsig-sha256 -----BEGIN PGP SIGNATURE-----\n abc\n -----END PGP SIGNATURE-----\n" +
		"gpgsig -----BEGIN PGP SIGNATURE-----\n def\n -----END PGP SIGNATURE-----\n\nSubject\n"
	payload, sig, ok = SignaturePayload(both)
	if !ok || payload != head+"\nSubject\n" || sig != "-----BEGIN PGP SIGNATURE-----\ndef\n-----END PGP SIGNATURE-----\n" {
		t.Errorf("with gpgsig-sha256: %v %q %q", ok, payload, sig)
	}

	if _, _, ok := SignaturePayload(head + "\nUnsigned\n"); ok {
		t.Error("an unsigned commit was seen as signed")
	}
}
