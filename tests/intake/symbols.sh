#!/bin/sh
# The intake binary holds only public keys: it must not contain the code
# that opens sealed items or makes key pairs, nor link libgit2 or cmark.
# Run by tests/run.sh as: env NMINTAKE=... NMREVIEW=... TOP=... sh symbols.sh
set -eu
. "$TOP/tests/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

nm "$NMINTAKE" >"$tmp/syms" 2>/dev/null || true
nm -D "$NMINTAKE" >>"$tmp/syms" 2>/dev/null || true
check "nm lists the intake's symbols" grep -q inbox_seal "$tmp/syms"
for s in crypto_box_seal_open crypto_box_open crypto_box_keypair \
    crypto_box_seed_keypair crypto_sign_keypair crypto_sign_detached \
    crypto_secretstream_xchacha20poly1305_pull \
    crypto_secretstream_xchacha20poly1305_init_pull \
    item_open keypair_new keypair_load keypair_write; do
	check_not "intake has no $s" grep -qw "$s" "$tmp/syms"
done
readelf -d "$NMINTAKE" >"$tmp/needed"
check_not "intake does not link libgit2" grep -q 'libgit2' "$tmp/needed"
check_not "intake does not link cmark" grep -q 'libcmark' "$tmp/needed"

# The check itself can fail: the review program has what intake must not.
nm "$NMREVIEW" >"$tmp/rsyms" 2>/dev/null || true
nm -D "$NMREVIEW" >>"$tmp/rsyms" 2>/dev/null || true
check "the review program has crypto_box_seal_open" \
    grep -qw crypto_box_seal_open "$tmp/rsyms"
check "the review program has crypto_box_keypair" \
    grep -qw crypto_box_keypair "$tmp/rsyms"

finish symbols
