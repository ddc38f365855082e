"""Start and drive a private slapd. Entries are written with ldap3 as the directory's admin."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ..mailservers.certs import TlsCert, generate_cert
from ..mailservers.net import LOOPBACK, free_ports, wait_for_ports

BASE_DN = "DC=corp,DC=example"
ADMIN_DN = f"CN=admin,{BASE_DN}"
ADMIN_PASSWORD = "admin-Pass-1"
SYNC_DN = f"CN=svc-sync,CN=Users,{BASE_DN}"
SYNC_PASSWORD = "sync-Pass-1"
SCHEMA_DIR = Path("/etc/ldap/schema")
START_TIMEOUT = 15.0
_SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"])
UF_NORMAL, UF_DISABLED = 512, 514


class SlapdUnavailable(RuntimeError):
    """slapd is not installed or would not start; the message says what to do."""


@dataclass
class AdEntry:
    """A user in the AD-like tree. `guid` is the objectGUID (a UUID; stored in AD's byte order)."""

    login: str
    last_name: str
    first_name: str = ""
    ou: str = ""  # the OU path under the base, outermost first, "/"-separated; "" = CN=Users
    email: str = ""
    title: str = ""
    phone: str = ""
    mobile: str = ""
    middle_name: str = ""
    disabled: bool = False
    guid: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def parent_dn(self) -> str:
        return ou_dn(self.ou) if self.ou else f"CN=Users,{BASE_DN}"

    @property
    def dn(self) -> str:
        return f"CN={self.login},{self.parent_dn}"


def ou_dn(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return ",".join([*(f"OU={p}" for p in reversed(parts)), BASE_DN])


@dataclass
class Slapd:
    host: str
    port: int
    ldaps_port: int
    cert_path: Path
    root: Path
    process: subprocess.Popen[bytes] | None = None
    guids: dict[str, uuid.UUID] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"ldap://{self.host}:{self.port}"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://{self.host}:{self.ldaps_port}"

    # --- content -------------------------------------------------------------------------------

    def connection(self):  # type: ignore[no-untyped-def]
        import ldap3

        return ldap3.Connection(ldap3.Server(self.url), ADMIN_DN, ADMIN_PASSWORD, auto_bind=True)

    def reset(self) -> None:
        """Back to the base tree: the domain, CN=Users with the sync account, nothing else."""
        conn = self.connection()
        try:
            conn.search(BASE_DN, "(objectClass=*)", attributes=["objectClass"])
            keep = {BASE_DN.lower(), f"cn=users,{BASE_DN}".lower(), SYNC_DN.lower()}
            doomed = [e.entry_dn for e in conn.entries if e.entry_dn.lower() not in keep]
            for dn in sorted(doomed, key=lambda d: -d.count(",")):
                conn.delete(dn)
        finally:
            conn.unbind()

    def add_ou(self, path: str) -> str:
        """Create the OU path (and its parents); returns its DN. The OU gets an objectGUID too."""
        conn = self.connection()
        try:
            parts = [p for p in path.split("/") if p]
            for depth in range(1, len(parts) + 1):
                sub = "/".join(parts[:depth])
                dn = ou_dn(sub)
                guid = self.guids.setdefault(dn.lower(), uuid.uuid4())
                conn.add(
                    dn,
                    ["organizationalUnit", "adObject"],
                    {"ou": parts[depth - 1], "objectGUID": guid.bytes_le, "objectCategory": "organizationalUnit"},
                )
            return ou_dn(path)
        finally:
            conn.unbind()

    def add_user(self, user: AdEntry) -> str:
        if user.ou:
            self.add_ou(user.ou)
        conn = self.connection()
        try:
            ok = conn.add(user.dn, ["user", "adObject"], user_attributes(user))
            if not ok:
                raise RuntimeError(f"cannot add {user.dn}: {conn.result}")
            return user.dn
        finally:
            conn.unbind()

    def modify(self, dn: str, **values: object) -> None:
        import ldap3

        conn = self.connection()
        try:
            changes = {name: [(ldap3.MODIFY_REPLACE, [value] if value != "" else [])] for name, value in values.items()}
            if not conn.modify(dn, changes):
                raise RuntimeError(f"cannot modify {dn}: {conn.result}")
        finally:
            conn.unbind()

    def delete(self, dn: str) -> None:
        conn = self.connection()
        try:
            conn.delete(dn)
        finally:
            conn.unbind()

    def move(self, dn: str, new_parent: str) -> None:
        conn = self.connection()
        try:
            if not conn.modify_dn(dn, dn.split(",", 1)[0], new_superior=new_parent):
                raise RuntimeError(f"cannot move {dn}: {conn.result}")
        finally:
            conn.unbind()

    # --- lifecycle -----------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=5)
            if self.process.stderr:
                self.process.stderr.close()
            self.process = None


def user_attributes(user: AdEntry) -> dict[str, object]:
    attrs: dict[str, object] = {
        "cn": user.login,
        "sn": user.last_name,
        "sAMAccountName": user.login,
        "userPrincipalName": f"{user.login}@corp.example",
        "userAccountControl": UF_DISABLED if user.disabled else UF_NORMAL,
        "objectGUID": user.guid.bytes_le,
        "objectCategory": "person",
    }
    optional = {
        "givenName": user.first_name,
        "mail": user.email,
        "title": user.title,
        "telephoneNumber": user.phone,
        "mobile": user.mobile,
        "middleName": user.middle_name,
    }
    attrs.update({k: v for k, v in optional.items() if v})
    return attrs


def ldif_entry(dn: str, attrs: dict[str, object]) -> str:
    """One LDIF record; bytes and non-ASCII values are base64 (`attr:: ...`)."""
    lines = [f"dn: {dn}"]
    for name, value in attrs.items():
        for item in value if isinstance(value, list) else [value]:
            raw = item if isinstance(item, bytes) else str(item).encode()
            if isinstance(item, bytes) or not raw.isascii() or raw[:1] in (b" ", b":", b"<"):
                lines.append(f"{name}:: {base64.b64encode(raw).decode()}")
            else:
                lines.append(f"{name}: {raw.decode()}")
    return "\n".join(lines) + "\n\n"


def base_ldif() -> str:
    return (
        ldif_entry(BASE_DN, {"objectClass": ["dcObject", "organization"], "dc": "corp", "o": "Corp"})
        + ldif_entry(f"CN=Users,{BASE_DN}", {"objectClass": "container", "cn": "Users"})
        + ldif_entry(
            SYNC_DN,
            {
                "objectClass": ["user", "adObject"],
                "cn": "svc-sync",
                "sn": "svc-sync",
                "sAMAccountName": "svc-sync",
                "userPassword": SYNC_PASSWORD,
                "userAccountControl": UF_NORMAL,
                "objectCategory": "serviceAccount",
            },
        )
    )


def render_config(root: Path, cert: TlsCert) -> str:
    schemas = [SCHEMA_DIR / f"{name}.schema" for name in ("core", "cosine", "inetorgperson")]
    includes = "".join(f"include {path}\n" for path in [*schemas, Path(__file__).with_name("ad.schema")])
    return f"""{includes}
pidfile {root}/slapd.pid
argsfile {root}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile {cert.cert_path}
TLSCertificateKeyFile {cert.key_path}
sizelimit unlimited
database mdb
maxsize 1073741824
suffix "{BASE_DN}"
rootdn "{ADMIN_DN}"
rootpw {ADMIN_PASSWORD}
directory {root}/data
index objectClass eq
index sAMAccountName eq
limits users size=unlimited size.pr=unlimited size.prtotal=unlimited
access to attrs=userPassword by anonymous auth by self write by * none
access to * by users read by anonymous auth
"""


def _binary(name: str) -> str:
    found = shutil.which(name, path=_SEARCH_PATH)
    if found is None:
        raise SlapdUnavailable(
            f"{name} is not installed. Install it with `apt-get install -y slapd ldap-utils` "
            "(scripts/test-prereqs.sh does this when run as root)."
        )
    return found


def start_slapd(*, cert: TlsCert | None = None, root: Path | None = None, extra_ldif: str = "") -> Slapd:
    """Start a private slapd on free loopback ports with the base tree (plus `extra_ldif`) loaded."""
    slapd, slapadd = _binary("slapd"), _binary("slapadd")
    root = root or Path(tempfile.mkdtemp(prefix="sd-slapd-"))
    cert = cert or generate_cert(root / "tls")
    (root / "data").mkdir(exist_ok=True)
    conf = root / "slapd.conf"
    conf.write_text(render_config(root, cert))
    ldif = root / "base.ldif"
    ldif.write_text(base_ldif() + extra_ldif, encoding="utf-8")
    loaded = subprocess.run([slapadd, "-q", "-f", str(conf), "-l", str(ldif)], capture_output=True, text=True)
    if loaded.returncode != 0:
        raise SlapdUnavailable(f"slapadd failed:\n{loaded.stderr}")
    error = ""
    for _attempt in range(3):
        port, ldaps_port = free_ports(2)
        urls = f"ldap://{LOOPBACK}:{port}/ ldaps://{LOOPBACK}:{ldaps_port}/"
        process = subprocess.Popen(
            [slapd, "-d", "0", "-f", str(conf), "-h", urls],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        server = Slapd(LOOPBACK, port, ldaps_port, cert.cert_path, root, process)
        if not wait_for_ports(LOOPBACK, [port, ldaps_port], START_TIMEOUT, alive=server.is_running):
            return server
        server.stop()
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        if "in use" not in error:
            break
    raise SlapdUnavailable(f"slapd did not start (config in {root}):\n{error}")
