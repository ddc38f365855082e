"""Start and drive a private Dovecot (IMAP, IMAPS, POP3, POP3S) for tests.

The instance has its own config, users and Maildirs in a temp dir and listens on free loopback
ports, so it never touches the system Dovecot and several test runs can coexist.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from imapclient import imap_utf7

from .certs import TlsCert, generate_cert
from .dovecot_conf import DovecotLayout, render_config, render_oauth_config
from .net import LOOPBACK, free_ports, wait_for_ports
from .oauth import OAuthTokenServer

DEFAULT_USERS = {
    "support": "support-Pass-1",
    "helpdesk": "helpdesk-Pass-2",
    "user1": "user1-Pass-3",
    "user2": "user2-Pass-4",
    "user3": "user3-Pass-5",
}
MAIL_DOMAIN = "example.test"
START_TIMEOUT = 15.0
# Mail processes must not run as root; "nobody" owns the Maildirs when we start as root.
NOBODY = 65534
_SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"])
_unique = itertools.count()


class DovecotUnavailable(RuntimeError):
    """Dovecot is not installed or would not start; the message says what to do."""


@dataclass
class Dovecot:
    """A running private Dovecot. Ports are plain-with-STARTTLS (imap/pop3) and implicit TLS (imaps/pop3s)."""

    host: str
    imap_port: int
    imaps_port: int
    pop3_port: int
    pop3s_port: int
    cert_path: Path
    users: dict[str, str]
    root: Path
    domain: str = MAIL_DOMAIN
    oauth: OAuthTokenServer | None = None
    mail_uid: int = NOBODY
    mail_gid: int = NOBODY
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    # --- addresses and paths -------------------------------------------------------------------

    def address(self, user: str) -> str:
        """The e-mail address whose local part is ``user`` (what SMTP delivery maps back)."""
        return f"{user}@{self.domain}"

    def home(self, user: str) -> Path:
        self._check_user(user)
        return self.root / "mail" / user

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        """On-disk Maildir++ directory of ``folder`` ("/"-separated IMAP name, e.g. "INBOX/Support").

        Maildir++ keeps INBOX at the root and every other folder as ``.A.B`` (names in modified
        UTF-7); a child of INBOX therefore lives in ``.INBOX.Support``.
        """
        base = self.home(user) / "Maildir"
        parts = [part for part in folder.split("/") if part]
        if not parts:
            raise ValueError("folder name is empty")
        if len(parts) == 1 and parts[0].upper() == "INBOX":
            return base
        if parts[0].upper() == "INBOX":
            parts[0] = "INBOX"
        encoded = [imap_utf7.encode(part).decode("ascii") for part in parts]
        if any("." in part for part in encoded):
            raise ValueError(f"Maildir++ folder names cannot contain '.': {folder!r}")
        return base / ("." + ".".join(encoded))

    # --- mailbox content -----------------------------------------------------------------------

    def deliver(self, user: str, raw: bytes, folder: str = "INBOX", *, seen: bool = False) -> Path:
        """Write ``raw`` straight into the user's Maildir folder (created if missing); return the file.

        Lines are stored with LF endings as Maildir expects; Dovecot serves them as CRLF.
        """
        directory = self.maildir(user, folder)
        self._ensure_maildir(user, directory)
        name = f"{time.time_ns()}.M{next(_unique)}P{os.getpid()}.{socket.gethostname()}"
        subdir, suffix = ("cur", ":2,S") if seen else ("new", "")
        tmp_path = directory / "tmp" / name
        tmp_path.write_bytes(raw.replace(b"\r\n", b"\n"))
        self._own(tmp_path)
        final = directory / subdir / (name + suffix)
        tmp_path.rename(final)
        return final

    def reset_user(self, user: str) -> None:
        """Empty the user's whole mailbox (all folders, indexes, subscriptions)."""
        home = self.home(user)
        shutil.rmtree(home / "Maildir", ignore_errors=True)
        self._ensure_maildir(user, home / "Maildir")

    def reset_all(self) -> None:
        for user in self.users:
            self.reset_user(user)
        if self.oauth is not None:
            self.oauth.clear()

    def add_oauth_token(self, user: str, token: str) -> None:
        """Make ``token`` a valid XOAUTH2/OAUTHBEARER access token for ``user``."""
        self._check_user(user)
        if self.oauth is None:
            raise RuntimeError("this Dovecot was started without the oauth2 passdb")
        self.oauth.add_token(user, token)

    # --- lifecycle -----------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        log = self.root / "dovecot.log"
        if not log.exists():
            return ""
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Stop Dovecot (and the token server); safe to call twice."""
        if self.process is not None:
            _terminate(self.process)
            self.process = None
        if self.oauth is not None:
            self.oauth.stop()
            self.oauth = None

    # --- internals -----------------------------------------------------------------------------

    def _check_user(self, user: str) -> None:
        if user not in self.users:
            raise KeyError(f"unknown Dovecot user {user!r}; known: {sorted(self.users)}")

    def _ensure_maildir(self, user: str, directory: Path) -> None:
        base = self.home(user) / "Maildir"
        for path in (self.home(user), base, directory):
            path.mkdir(exist_ok=True)
            self._own(path)
        for sub in ("cur", "new", "tmp"):
            (directory / sub).mkdir(exist_ok=True)
            self._own(directory / sub)
        if directory != base and not (directory / "maildirfolder").exists():
            # Dovecot marks Maildir++ subfolders with this empty file; it finds them without it too.
            (directory / "maildirfolder").touch()
            self._own(directory / "maildirfolder")

    def _own(self, path: Path) -> None:
        if os.geteuid() == 0:
            os.chown(path, self.mail_uid, self.mail_gid)


def find_dovecot() -> str:
    binary = shutil.which("dovecot", path=_SEARCH_PATH)
    if binary is None:
        raise DovecotUnavailable(
            "Dovecot is not installed. Install it with `apt-get install -y dovecot-imapd dovecot-pop3d` "
            "(scripts/test-prereqs.sh does this when run as root)."
        )
    return binary


def start_dovecot(
    users: dict[str, str] | None = None,
    *,
    cert: TlsCert | None = None,
    root: Path | None = None,
    oauth: bool = True,
    attempts: int = 3,
    mail_ids: tuple[int, int] | None = None,
) -> Dovecot:
    """Start a private Dovecot; retry with new ports if another process grabbed one meanwhile.

    `mail_ids` (uid, gid) runs the mail processes as another user when started as root: per-user
    kernel limits (inotify instances, which IDLE uses) are then not shared with other Dovecots."""
    binary = find_dovecot()
    root = root or Path(tempfile.mkdtemp(prefix="sd-dovecot-"))
    root.chmod(0o755)
    cert = cert or generate_cert(root / "tls")
    users = dict(users or DEFAULT_USERS)
    token_server = OAuthTokenServer() if oauth else None
    error = ""
    for _ in range(attempts):
        server = _prepare(root, users, cert, token_server, mail_ids)
        server.process = subprocess.Popen(
            [binary, "-F", "-c", str(root / "dovecot.conf")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        ports = [server.imap_port, server.imaps_port, server.pop3_port, server.pop3s_port]
        if not wait_for_ports(server.host, ports, START_TIMEOUT, alive=server.is_running):
            return server
        error = _failure_text(server)
        server.stop()
        token_server = OAuthTokenServer() if oauth else None
        if "in use" not in error:
            break
    if token_server is not None:
        token_server.stop()
    raise DovecotUnavailable(f"Dovecot did not start (config and log in {root}):\n{error}")


def _prepare(
    root: Path,
    users: dict[str, str],
    cert: TlsCert,
    token_server: OAuthTokenServer | None,
    mail_ids: tuple[int, int] | None = None,
) -> Dovecot:
    login_user, internal_user, uid, gid = _process_identity()
    if mail_ids is not None and os.geteuid() == 0:
        uid, gid = mail_ids
    imap, imaps, pop3, pop3s = free_ports(4)
    layout = DovecotLayout(
        root=root,
        host=LOOPBACK,
        imap_port=imap,
        imaps_port=imaps,
        pop3_port=pop3,
        pop3s_port=pop3s,
        cert_path=cert.cert_path,
        key_path=cert.key_path,
        login_user=login_user,
        internal_user=internal_user,
        tokeninfo_url=token_server.tokeninfo_url if token_server else None,
    )
    mail_root = root / "mail"
    mail_root.mkdir(exist_ok=True)
    # Mail processes run as the users' uid; the shared parent must let them in.
    mail_root.chmod(0o777)
    layout.conf_path.write_text(render_config(layout))
    if token_server is not None:
        layout.oauth_conf_path.write_text(render_oauth_config(token_server.tokeninfo_url))
    layout.passwd_path.write_text(
        "".join(f"{login}:{{PLAIN}}{password}:{uid}:{gid}::{mail_root / login}\n" for login, password in users.items())
    )
    server = Dovecot(
        host=LOOPBACK,
        imap_port=imap,
        imaps_port=imaps,
        pop3_port=pop3,
        pop3s_port=pop3s,
        cert_path=cert.cert_path,
        users=users,
        root=root,
        oauth=token_server,
        mail_uid=uid,
        mail_gid=gid,
    )
    for login in users:
        server.reset_user(login)
    return server


def _process_identity() -> tuple[str, str, int, int]:
    """Login/internal process users and the mail uid/gid, as root (package users) or not (ourselves)."""
    if os.geteuid() == 0:
        return "dovenull", "dovecot", NOBODY, NOBODY
    me = pwd.getpwuid(os.geteuid()).pw_name
    return me, me, os.geteuid(), os.getegid()


def _failure_text(server: Dovecot) -> str:
    stderr = b""
    if server.process is not None and server.process.poll() is not None and server.process.stderr:
        stderr = server.process.stderr.read() or b""
    state = "exited" if not server.is_running() else f"ports not open after {START_TIMEOUT:.0f} s"
    return f"{state}\n{stderr.decode(errors='replace')}\n{server.log_tail()}".strip()


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    if process.stderr:
        process.stderr.close()
