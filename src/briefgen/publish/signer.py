"""The manifest's record of a signed PDF: who signed it, in what role, when, and with which certificate."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.publish.json_checks import BadValue, read_digest, read_object, read_optional, read_text

#: The PAdES baseline levels `briefgen sign` makes: B-B (a signature), B-T (with a TSA's time-stamp).
LEVELS = ("B-B", "B-T")


@dataclass(frozen=True)
class Signer:
    """One signature on one output file, as `briefgen sign` recorded it.

    It belongs to the file's recorded sha256 (the signed bytes): a build that writes other
    bytes at the name drops it, and says that the signature is lost.
    """

    #: The approver the visible block names: the certificate's subject CN, or `--name`.
    name: str
    #: `--role`, e.g. "Minister of State"; None when none was given.
    role: str | None
    #: When it was signed, as the signature states it (ISO 8601, UTC).
    signed_at: str
    #: sha256 of the signer's certificate (DER), in hexadecimal.
    certificate_sha256: str
    #: "B-B", or "B-T" when a time-stamp authority countersigned the time.
    level: str = "B-B"

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"name": self.name, "signed_at": self.signed_at,
                                   "certificate_sha256": self.certificate_sha256, "level": self.level}
        if self.role is not None:
            data["role"] = self.role
        return data

    @classmethod
    def from_json(cls, value: object, where: str) -> Signer:
        """A signer read back; raises BadValue naming the first value that is not what briefgen writes."""
        found = read_object(value, where)
        level = found.get("level", "B-B")
        if level not in LEVELS:
            raise BadValue(f"{where}.level", "must be one of: " + ", ".join(LEVELS))
        return cls(read_text(found.get("name"), f"{where}.name"),
                   read_optional(found.get("role"), f"{where}.role", read_text),
                   read_text(found.get("signed_at"), f"{where}.signed_at"),
                   read_digest(found.get("certificate_sha256"), f"{where}.certificate_sha256"),
                   str(level))
