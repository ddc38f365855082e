"""The configuration text of a private, throwaway Dovecot (2.3) instance."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Folders Dovecot creates on first login and advertises with SPECIAL-USE (RFC 6154).
SPECIAL_USE_FOLDERS = {
    "Drafts": "\\Drafts",
    "Sent": "\\Sent",
    "Trash": "\\Trash",
    "Junk": "\\Junk",
    "Archive": "\\Archive",
}


@dataclass(frozen=True)
class DovecotLayout:
    """Everything the config refers to; all paths live under ``root``."""

    root: Path
    host: str
    imap_port: int
    imaps_port: int
    pop3_port: int
    pop3s_port: int
    cert_path: Path
    key_path: Path
    login_user: str
    internal_user: str
    tokeninfo_url: str | None

    @property
    def conf_path(self) -> Path:
        return self.root / "dovecot.conf"

    @property
    def passwd_path(self) -> Path:
        return self.root / "passwd"

    @property
    def base_dir(self) -> Path:
        return self.root / "run"

    @property
    def log_path(self) -> Path:
        return self.root / "dovecot.log"

    @property
    def oauth_conf_path(self) -> Path:
        return self.root / "oauth2.conf.ext"


def render_config(layout: DovecotLayout) -> str:
    mechanisms = "plain login" + (" xoauth2 oauthbearer" if layout.tokeninfo_url else "")
    parts = [
        _general(layout, mechanisms),
        _namespace(),
        _auth(layout),
        _listeners(layout),
    ]
    return "\n".join(parts)


def render_oauth_config(tokeninfo_url: str) -> str:
    # Tokeninfo alone is enough: the answer carries the username, so no separate introspection.
    return "\n".join(
        [
            f"tokeninfo_url = {tokeninfo_url}",
            "introspection_mode = get",
            "username_attribute = username",
            "active_attribute = active",
            "active_value = true",
            "timeout_msecs = 5000",
            "",
        ]
    )


def _general(layout: DovecotLayout, mechanisms: str) -> str:
    root = layout.root
    return f"""\
protocols = imap pop3
listen = {layout.host}
base_dir = {layout.base_dir}
state_dir = {root / "state"}
log_path = {layout.log_path}
info_log_path = {layout.log_path}
debug_log_path = {layout.log_path}
auth_verbose = yes
default_login_user = {layout.login_user}
default_internal_user = {layout.internal_user}
first_valid_uid = 1
ssl = yes
ssl_cert = <{layout.cert_path}
ssl_key = <{layout.key_path}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = {mechanisms}
# Tests check wrong passwords; the default 2 s penalty would only slow them down.
auth_failure_delay = 0
auth_cache_size = 0
mail_location = maildir:~/Maildir
mail_max_userip_connections = 100
# The default (100 processes per service) caps IMAP at 100 sessions; the personal-mailbox bench
# holds 200 IDLE connections plus the synchronisations they trigger.
default_process_limit = 1000
# IDLE learns of new mail through inotify; a user has only fs.inotify.max_user_instances (128 by
# default, and every test Dovecot's processes run as the same user), and a process without one
# falls back to polling at this interval (default 30 s).
mailbox_idle_check_interval = 1 secs
pop3_uidl_format = %08Xu%08Xv
"""


def _namespace() -> str:
    mailboxes = "\n".join(
        f"  mailbox {name} {{\n    special_use = {flag}\n    auto = subscribe\n  }}"
        for name, flag in SPECIAL_USE_FOLDERS.items()
    )
    return f"""\
namespace inbox {{
  inbox = yes
  separator = /
  prefix =
{mailboxes}
}}
"""


def _auth(layout: DovecotLayout) -> str:
    passwd = layout.passwd_path
    text = f"""\
passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {passwd}
}}
"""
    if layout.tokeninfo_url:
        text += f"""\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {layout.oauth_conf_path}
}}
"""
    return text


def _listeners(layout: DovecotLayout) -> str:
    # Chroot is off: login processes would otherwise need an empty root-owned dir per service.
    return f"""\
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {layout.imap_port}
  }}
  inet_listener imaps {{
    port = {layout.imaps_port}
    ssl = yes
  }}
}}
service pop3-login {{
  chroot =
  inet_listener pop3 {{
    port = {layout.pop3_port}
  }}
  inet_listener pop3s {{
    port = {layout.pop3s_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
  # No socket for the auth process: anvil's per-IP penalty after failed logins (up to 15 s
  # even for later correct ones) would make failure tests slow and order-dependent.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
