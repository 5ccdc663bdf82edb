"""`briefgen sign` and `briefgen verify`: real briefs built by the CLI, signed with certificates made here.

What is pinned, and where it comes from:
- PAdES signatures (ETSI EN 319 142-1) are made and validated by pyHanko; what its
  validation checks (digest, signature, chain of trust, coverage and the difference
  analysis of later revisions): https://github.com/MatthiasValvekens/pyHanko/blob/0.17.0/docs/cli-guide/validation.rst
- signing appends an incremental update and rewrites no byte before it (ISO 32000-1, 7.5.6;
  pyHanko's IncrementalPdfFileWriter): https://github.com/MatthiasValvekens/pyHanko/blob/0.15.0/docs/lib-guide/reading-writing.rst
- pyHanko does not itself keep PDF/A: "treats these as any other PDF file"
  (https://github.com/MatthiasValvekens/pyHanko/blob/0.17.2/docs/known-issues.rst), so what
  PDF/A-2b needs of the signed file is checked here: the identifiers in XMP, PDF 1.7, an
  embedded font in the block, the widget printed and not hidden (annotation flags:
  https://sdkhelp.pdf-xchange.com/view/PXV:PXC_AnnotFlag, Print = 4, Hidden = 2, Invisible = 1,
  NoView = 32), and the information dictionary's /Producer equal to XMP's pdf:Producer.
- a PDF/A identifier: pikepdf's open_metadata().pdfa_status, as tests/render/test_pdf_variants.py reads it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest

from build_helpers import (
    ROOT,
    assert_consistent,
    file_identity,
    pdf_reader,
    pdftotext,
    placed_text,
    run_cli,
    squash,
)
from signing_helpers import APPROVER, PASSPHRASE, KeyFiles, issue, root_ca, write_key_files

UK = ROOT / "briefs" / "examples" / "uk-minister-brief.yaml"
G20 = ROOT / "briefs" / "g20-2025.yaml"
ROLE = "Minister of State"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> KeyFiles:
    return write_key_files(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Output folders the real CLI built: the UK brief (a plain PDF) and the G20 brief for the public (PDF/A-2b)."""
    base = tmp_path_factory.mktemp("built")
    folders = {"uk": base / "uk", "public": base / "public"}
    assert run_cli(["build", UK, "-o", folders["uk"]], cwd=base).exit_code == 0
    ran = run_cli(["build", G20, "--public", "-o", folders["public"]], cwd=base)
    assert ran.exit_code == 0, ran.output
    return folders


@pytest.fixture
def uk(built: dict[str, Path], tmp_path: Path) -> Iterator[Path]:
    yield Path(shutil.copytree(built["uk"], tmp_path / "site"))


@pytest.fixture
def public(built: dict[str, Path], tmp_path: Path) -> Iterator[Path]:
    yield Path(shutil.copytree(built["public"], tmp_path / "public"))


def _sign(out: Path, brief_id: str, keys: KeyFiles, *extra: object, key: Path | None = None):  # type: ignore[no-untyped-def]
    return run_cli(["sign", brief_id, "--key", key or keys.key, "--passphrase-file", keys.passphrase,
                    "--role", ROLE, "-o", out, *extra], cwd=out.parent)


def _verify(pdf: Path, *args: object):  # type: ignore[no-untyped-def]
    return run_cli(["verify", pdf, *args], cwd=pdf.parent)


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every file below `out` (the search index's too), by its path in it."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


# --- sign, then verify --------------------------------------------------------------------


def test_sign_then_verify_names_the_signer_and_trusts_only_its_root(uk: Path, keys: KeyFiles) -> None:
    pdf = uk / "uk-minister-brief.pdf"
    unsigned = pdf.read_bytes()
    ran = _sign(uk, "uk-minister-brief", keys)
    assert ran.exit_code == 0, ran.output
    assert f"signed uk-minister-brief: {pdf} — approved by {APPROVER} ({ROLE})" in ran.stdout
    signed = pdf.read_bytes()
    assert signed.startswith(unsigned) and len(signed) > len(unsigned)  # an incremental update

    trusted = _verify(pdf, "--trust", keys.root)
    assert trusted.exit_code == 0, trusted.output
    assert f"signed by {APPROVER} at " in trusted.stdout
    assert "changed since signing: no: the signature covers the whole file" in trusted.stdout
    assert "trusted: yes" in trusted.stdout

    other = _verify(pdf, "--trust", keys.other_root)
    assert other.exit_code == 1 and "trusted: NO: does not chain to any root given" in other.stdout
    assert "NOT verified" in other.stdout
    untrusted = json.loads(_verify(pdf, "--trust", keys.other_root, "--output-format", "json").stdout)
    assert untrusted["ok"] is False
    assert untrusted["signatures"][0]["trust_problem"] == "NO_CERTIFICATE_CHAIN_FOUND"

    unchecked = _verify(pdf, "--output-format", "json")
    assert unchecked.exit_code == 0, unchecked.output
    report = json.loads(unchecked.stdout)
    assert report["ok"] is True and report["trust_checked"] is False
    (signature,) = report["signatures"]
    assert signature["signer"] == APPROVER and signature["trusted"] is None
    assert signature["intact"] is True and signature["changed"] == "none"
    assert signature["certificate_sha256"] == hashlib.sha256(keys.approver.der).hexdigest()


def test_the_manifest_records_the_signed_bytes_and_the_signer(uk: Path, keys: KeyFiles) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    assert _sign(uk, "uk-minister-brief", keys).exit_code == 0
    manifest = assert_consistent(uk)  # every recorded sha256 is the file's: the PDF's is the signed bytes'
    (entry,) = manifest["briefs"]
    assert "signer" not in entry["outputs"]["html"]
    signer = entry["outputs"]["pdf"]["signer"]
    assert signer["name"] == APPROVER and signer["role"] == ROLE and signer["level"] == "B-B"
    assert signer["certificate_sha256"] == hashlib.sha256(keys.approver.der).hexdigest()
    assert before <= datetime.fromisoformat(signer["signed_at"]) <= datetime.now(UTC)
    verified = json.loads(_verify(uk / "uk-minister-brief.pdf", "--output-format", "json").stdout)
    assert verified["signatures"][0]["signed_at"] == signer["signed_at"]


def test_a_release_stays_pdf_a_2b_when_signed(public: Path, keys: KeyFiles) -> None:
    pdf = public / "g20-2025.pdf"
    with pikepdf.open(pdf) as original:
        assert original.open_metadata().pdfa_status == "2B"
        title = str(original.open_metadata()["dc:title"])
    assert _sign(public, "g20-2025", keys).exit_code == 0
    with pikepdf.open(pdf) as signed:
        metadata = signed.open_metadata()
        assert metadata.pdfa_status == "2B"
        assert str(metadata["dc:title"]) == title
        assert str(signed.docinfo["/Producer"]) == str(metadata["pdf:Producer"])
        assert signed.pdf_version == "1.7" and "/Version" not in signed.Root
        assert "/OutputIntents" in signed.Root
        (widget,) = [a for a in signed.pages[-1].get("/Annots", []) if a.get("/Subtype") == "/Widget"]
        flags = int(widget.F)
        assert flags & 4 and not flags & (1 | 2 | 32)
        (font,) = widget.AP.N.Resources.Font.values()
        assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor  # embedded, not pyHanko's default Courier
    assert _verify(pdf, "--trust", keys.root).exit_code == 0


def test_an_ecdsa_key_keeps_the_release_a_pdf_1_7(public: Path, keys: KeyFiles) -> None:
    """pyHanko would declare ISO/TS 32002, and so PDF 2.0, for ECDSA on P-256; PDF/A-2 is PDF 1.7."""
    assert _sign(public, "g20-2025", keys, key=keys.ecdsa).exit_code == 0
    with pikepdf.open(public / "g20-2025.pdf") as signed:
        assert signed.pdf_version == "1.7" and "/Version" not in signed.Root
        assert set(signed.Root.Extensions.keys()) == {"/ESIC"}
        assert signed.open_metadata().pdfa_status == "2B"
    assert _verify(public / "g20-2025.pdf", "--trust", keys.root).exit_code == 0


def test_the_visible_block_is_on_the_last_page_clear_of_its_text(public: Path, keys: KeyFiles,
                                                               tmp_path: Path) -> None:
    pdf = public / "g20-2025.pdf"
    page_text = placed_text(pdf_reader(pdf).pages[-1])
    assert _sign(public, "g20-2025", keys).exit_code == 0
    flattened = tmp_path / "printed.pdf"
    with pikepdf.open(pdf) as signed:
        widgets = [[a for a in page.get("/Annots", []) if a.get("/Subtype") == "/Widget"] for page in signed.pages]
        assert [len(w) for w in widgets] == [0] * (len(widgets) - 1) + [1]
        left, bottom, right, top = (float(v) for v in widgets[-1][0].Rect)
        signed.flatten_annotations("all")  # the appearance as printed, into the page (qpdf)
        signed.save(flattened)
    text = squash(pdftotext(flattened).split("\f")[-2])  # the last page
    day = datetime.now(UTC).date()
    assert f"Approved by {APPROVER} {ROLE} Signed {day.day} {day:%B %Y}" in text
    for run, x, y in page_text:  # no text of the page under the block: body above it, footer below
        assert not (bottom - 2 <= y <= top + 2 and left - 2 <= x <= right), (run, x, y)
    footer = [y for run, _, y in page_text if "Page 3 of 3" in run.replace("\xa0", " ")]
    assert footer and max(footer) + 8 < bottom


def test_b_t_carries_the_time_stamp_authority_s_time(built: dict[str, Path]) -> None:
    """B-T's code path with pyHanko's in-process time-stamper (no network); the CLI passes --timestamp URL
    to pyHanko's HTTP client instead."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    from briefgen.signing.block import Approval
    from briefgen.signing.keys import open_pkcs12
    from briefgen.signing.sign import sign_pdf
    from briefgen.signing.verify import load_trust_roots, verify_pdf

    ca = root_ca()
    approver, tsa = issue(ca), issue(ca, "Test Time-Stamp Authority", time_stamping=True)
    now = datetime.now(UTC)
    key = open_pkcs12(approver.pkcs12([ca.certificate]), PASSPHRASE, "approver.p12", now)
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa.der),
        tsa_key=asn1_keys.PrivateKeyInfo.load(tsa.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())))
    pdf = (built["public"] / "g20-2025.pdf").read_bytes()
    signed = sign_pdf(pdf, key, Approval(APPROVER, ROLE, now.date()), timestamper=stamper)
    assert signed.signer.level == "B-T"
    (report,) = verify_pdf(signed.pdf, load_trust_roots([("root.pem", ca.pem())]))
    assert report.ok and report.timestamp is not None and report.trusted is True
    assert abs(datetime.fromisoformat(report.timestamp) - now).total_seconds() < 120


# --- what verify finds changed -----------------------------------------------------------------


def test_a_flipped_byte_breaks_the_signature(uk: Path, keys: KeyFiles) -> None:
    pdf = uk / "uk-minister-brief.pdf"
    assert _sign(uk, "uk-minister-brief", keys).exit_code == 0
    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 0x01  # inside the first signed range: the page content
    pdf.write_bytes(bytes(data))
    ran = _verify(pdf, "--trust", keys.root)
    assert ran.exit_code == 1, ran.output
    assert "intact: NO" in ran.stdout and "the signed bytes were changed" in ran.stdout
    assert json.loads(_verify(pdf, "--output-format", "json").stdout)["signatures"][0]["intact"] is False


def test_bytes_appended_after_signing_are_reported(uk: Path, keys: KeyFiles) -> None:
    pdf = uk / "uk-minister-brief.pdf"
    assert _sign(uk, "uk-minister-brief", keys).exit_code == 0
    appended = b"\n% appended later\n"
    pdf.write_bytes(pdf.read_bytes() + appended)
    ran = _verify(pdf)
    assert ran.exit_code == 1, ran.output
    assert f"{len(appended)} bytes were appended after the signed file" in ran.stdout


def test_verify_an_unsigned_pdf_a_file_that_is_no_pdf_and_a_bad_root(uk: Path, keys: KeyFiles) -> None:
    unsigned = _verify(uk / "uk-minister-brief.pdf")
    assert unsigned.exit_code == 1 and "no signature" in unsigned.stdout
    assert json.loads(_verify(uk / "uk-minister-brief.pdf", "--output-format", "json").stdout)["ok"] is False
    not_pdf = _verify(uk / "manifest.json")
    assert not_pdf.exit_code == 4 and "cannot verify" in not_pdf.stderr and "Traceback" not in not_pdf.output
    missing = _verify(uk / "absent.pdf")
    assert missing.exit_code == 4 and "cannot read" in missing.stderr
    bad_root = _verify(uk / "uk-minister-brief.pdf", "--trust", uk / "index.html")
    assert bad_root.exit_code == 2 and "holds no certificate" in bad_root.stderr


# --- rebuilding a signed brief -----------------------------------------------------------------


def test_a_rebuild_with_nothing_changed_keeps_the_signed_pdf(uk: Path, keys: KeyFiles) -> None:
    pdf = uk / "uk-minister-brief.pdf"
    assert _sign(uk, "uk-minister-brief", keys).exit_code == 0
    identity, manifest = file_identity(pdf), (uk / "manifest.json").read_bytes()
    ran = run_cli(["build", UK, "-o", uk], cwd=uk.parent)
    assert ran.exit_code == 0, ran.output
    assert "unchanged uk-minister-brief" in ran.output and "signature lost" not in ran.output
    assert file_identity(pdf) == identity and (uk / "manifest.json").read_bytes() == manifest
    assert _verify(pdf, "--trust", keys.root).exit_code == 0


def test_a_rebuild_after_the_sheet_changed_warns_and_writes_it_unsigned(uk: Path, keys: KeyFiles,
                                                                       tmp_path: Path) -> None:
    sheet = tmp_path / "briefs" / "uk-minister-brief.yaml"
    sheet.parent.mkdir()
    sheet.write_text(UK.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "own"
    assert run_cli(["build", sheet, "-o", out], cwd=tmp_path).exit_code == 0
    assert _sign(out, "uk-minister-brief", keys).exit_code == 0
    text = sheet.read_text(encoding="utf-8")
    assert "Speaks English and French." in text
    sheet.write_text(text.replace("Speaks English and French.", "Speaks English, French and Twi."), encoding="utf-8")
    ran = run_cli(["build", sheet, "-o", out], cwd=tmp_path)
    assert ran.exit_code == 0, ran.output
    assert (f"warning: signature lost: {out / 'uk-minister-brief.pdf'} was signed by {APPROVER} ({ROLE})"
            in ran.stderr)
    manifest = assert_consistent(out)
    assert "signer" not in manifest["briefs"][0]["outputs"]["pdf"]
    assert "no signature" in _verify(out / "uk-minister-brief.pdf").stdout
    again = run_cli(["build", sheet, "-o", out], cwd=tmp_path)  # said once, not at every build after
    assert again.exit_code == 0 and "signature lost" not in again.output


# --- refusals -------------------------------------------------------------------------------------


def test_an_expired_certificate_is_refused_and_nothing_changes(uk: Path, keys: KeyFiles) -> None:
    before = _snapshot(uk)
    ran = _sign(uk, "uk-minister-brief", keys, key=keys.expired)
    assert ran.exit_code == 2, ran.output
    assert "expired on" in ran.stderr and "does not sign with an expired certificate" in ran.stderr
    assert _snapshot(uk) == before


def test_a_certificate_that_may_not_sign_is_refused(uk: Path, keys: KeyFiles) -> None:
    """Key usage (RFC 5280, 4.2.1.3): signing needs digitalSignature or nonRepudiation."""
    before = _snapshot(uk)
    ran = _sign(uk, "uk-minister-brief", keys, key=keys.enciphering)
    assert ran.exit_code == 2 and "may not sign documents" in ran.stderr
    assert _snapshot(uk) == before


def test_key_file_problems(uk: Path, keys: KeyFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _snapshot(uk)
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not this one\n", encoding="utf-8")
    ran = run_cli(["sign", "uk-minister-brief", "--key", keys.key, "--passphrase-file", wrong, "-o", uk])
    assert ran.exit_code == 2 and "the passphrase is wrong" in ran.stderr
    no_passphrase = run_cli(["sign", "uk-minister-brief", "--key", keys.key, "-o", uk])  # no terminal to ask on
    assert no_passphrase.exit_code == 2 and "--passphrase-file or --passphrase-env" in no_passphrase.stderr
    not_pkcs12 = run_cli(["sign", "uk-minister-brief", "--key", keys.root, "-o", uk])
    assert not_pkcs12.exit_code == 2 and "is not a PKCS#12 key file" in not_pkcs12.stderr
    missing = run_cli(["sign", "uk-minister-brief", "--key", tmp_path / "absent.p12", "-o", uk])
    assert missing.exit_code == 4 and "cannot read" in missing.stderr
    unset = run_cli(["sign", "uk-minister-brief", "--key", keys.key, "--passphrase-env", "BRIEFGEN_TEST_UNSET",
                     "-o", uk])
    assert unset.exit_code == 2 and "BRIEFGEN_TEST_UNSET is not set" in unset.stderr
    for refused in (ran, no_passphrase, not_pkcs12, missing, unset):
        assert "Traceback" not in refused.output
    assert _snapshot(uk) == before
    monkeypatch.setenv("BRIEFGEN_TEST_PASSPHRASE", PASSPHRASE.decode())
    from_env = run_cli(["sign", "uk-minister-brief", "--key", keys.key, "--passphrase-env",
                        "BRIEFGEN_TEST_PASSPHRASE", "-o", uk])
    assert from_env.exit_code == 0, from_env.output


def test_what_cannot_be_signed(uk: Path, keys: KeyFiles, tmp_path: Path) -> None:
    html_only = tmp_path / "html-only"
    assert run_cli(["build", UK, "--no-pdf", "-o", html_only], cwd=tmp_path).exit_code == 0
    ran = _sign(html_only, "uk-minister-brief", keys)
    assert ran.exit_code == 2 and "briefgen signs PDFs, not HTML" in ran.stderr
    html = _sign(uk, "uk-minister-brief.html", keys)
    assert html.exit_code == 2 and "briefgen signs PDFs, not HTML" in html.stderr
    unknown = _sign(uk, "no-such-brief", keys)
    assert unknown.exit_code == 2 and "holds no no-such-brief.pdf" in unknown.stderr
    strange = tmp_path / "strange"
    strange.mkdir()
    (strange / "uk-minister-brief.pdf").write_bytes((uk / "uk-minister-brief.pdf").read_bytes())
    not_ours = _sign(strange, "uk-minister-brief", keys)
    assert not_ours.exit_code == 2 and "was not written by briefgen" in not_ours.stderr
    absent = _sign(tmp_path / "absent", "uk-minister-brief", keys)
    assert absent.exit_code == 2 and not (tmp_path / "absent").exists()
    assert _sign(uk, "uk-minister-brief", keys).exit_code == 0
    twice = _sign(uk, "uk-minister-brief", keys)
    assert twice.exit_code == 2 and "already signed" in twice.stderr
    (uk / "uk-minister-brief.pdf").write_bytes((uk / "uk-minister-brief.pdf").read_bytes() + b"\n")
    changed = _sign(uk, "uk-minister-brief", keys)
    assert changed.exit_code == 2 and "was changed since briefgen wrote it" in changed.stderr


def test_help_and_no_pyhanko_at_startup() -> None:
    import subprocess
    import sys

    listed = run_cli(["--help"])
    assert "sign" in listed.stdout and "verify" in listed.stdout
    assert "--passphrase-file" in run_cli(["sign", "--help"]).stdout
    assert "--trust" in run_cli(["verify", "--help"]).stdout
    probe = "import sys, briefgen.commands.main; print(sorted(m for m in sys.modules if m.startswith('pyhanko')))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_last_page_full_to_the_footer_is_refused_not_overprinted(keys: KeyFiles) -> None:
    """A page whose text reaches the bottom margin (WeasyPrint, briefgen's page margins): no room for the block."""
    import weasyprint

    from briefgen.signing.block import Approval
    from briefgen.signing.keys import open_pkcs12
    from briefgen.signing.sign import SigningRefused, sign_pdf
    from briefgen.signing.verify import verify_pdf

    html = ("<style>@page { size: A4; margin: 22mm 20mm } body { margin: 0; font: 11pt 'Noto Sans' }"
            "p { position: absolute; bottom: 0 }</style><p>The last line of the closing block.</p>")
    pdf = weasyprint.HTML(string=html).write_pdf()
    now = datetime.now(UTC)
    key = open_pkcs12(keys.key.read_bytes(), PASSPHRASE, "approver.p12", now)
    approval = Approval(APPROVER, ROLE, now.date())
    with pytest.raises(SigningRefused, match="cannot place the signature block: the text of the last page reaches"):
        sign_pdf(pdf, key, approval)
    (report,) = verify_pdf(sign_pdf(pdf, key, approval, visible=False).pdf, None)
    assert report.ok


def test_a_manifest_whose_signer_was_tampered_with_is_damaged(uk: Path, keys: KeyFiles) -> None:
    assert _sign(uk, "uk-minister-brief", keys).exit_code == 0
    manifest = json.loads((uk / "manifest.json").read_text(encoding="utf-8"))
    manifest["briefs"][0]["outputs"]["pdf"]["signer"]["level"] = "B-LTA"
    (uk / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    ran = run_cli(["build", UK, "-o", uk], cwd=uk.parent)
    assert ran.exit_code == 2, ran.output
    assert "is damaged" in ran.stderr and "signer.level" in ran.stderr


def test_a_time_stamp_authority_that_does_not_answer_changes_nothing(uk: Path, keys: KeyFiles) -> None:
    """--timestamp URL goes to pyHanko's RFC 3161 HTTP client; a loopback port nothing listens on (no network)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    before = _snapshot(uk)
    ran = _sign(uk, "uk-minister-brief", keys, "--timestamp", f"http://127.0.0.1:{port}/tsa")
    assert ran.exit_code == 4, ran.output
    assert f"cannot get a time-stamp from http://127.0.0.1:{port}/tsa" in ran.stderr and "Traceback" not in ran.output
    assert _snapshot(uk) == before
    not_http = _sign(uk, "uk-minister-brief", keys, "--timestamp", "ftp://tsa.example")
    assert not_http.exit_code == 2 and "is not an http:// or https:// URL" in not_http.stderr
