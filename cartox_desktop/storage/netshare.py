"""Refuse a SQLite file on a network share.

sqlite.org (whentouse.html, useovernet.html): file locking is buggy on many network file
systems and "WAL does not work over a network filesystem"; two PCs writing the same file can
corrupt it. Their advice, followed here: use a client/server database (PostgreSQL) instead.
"""

from __future__ import annotations

import os
from pathlib import Path

NETWORK_FSTYPES = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs",
    "fuse.sshfs", "sshfs", "fuse.glusterfs", "fuse.cephfs", "davfs", "fuse.davfs2", "fuse.rclone",
    "lustre", "gpfs", "ocfs2", "gfs2", "coda", "vboxsf", "fuse.s3fs",
})


class NetworkShareError(RuntimeError):
    """The SQLite file is on a network file system; the message says what to do instead."""


def _unescape(field: str) -> str:
    # /proc/mounts escapes space, tab, newline and backslash as octal (\040 ...).
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\")


def mount_fstype(path: Path, mounts_text: str | None = None) -> tuple[str, str] | None:
    """(mount point, fstype) of the mount holding ``path``, from /proc/mounts; None if unknown."""
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = str(path)
    best: tuple[str, str] | None = None
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point, fstype = _unescape(parts[1]), parts[2]
        prefix = mount_point.rstrip("/") + "/"
        if (target == mount_point or target.startswith(prefix) or mount_point == "/") and (
            best is None or len(mount_point) >= len(best[0])
        ):
            best = (mount_point, fstype)
    return best


def check_not_network_share(db_file: Path, mounts_text: str | None = None) -> None:
    """Raise ``NetworkShareError`` when ``db_file`` (or its folder) is on NFS/SMB/CIFS and kin."""
    folder = db_file.parent
    probe = Path(os.path.realpath(db_file if db_file.exists() else folder))
    found = mount_fstype(probe, mounts_text)
    if found is None:
        return
    mount_point, fstype = found
    if fstype.lower() in NETWORK_FSTYPES:
        raise NetworkShareError(
            f"database file {db_file} is on a network share ({fstype} mounted at {mount_point}); "
            "SQLite's file locking is unreliable over a network and two computers could corrupt the "
            "record. Keep the SQLite file on a local disk (the default is the user data folder), or, "
            "for several computers sharing patients, use the shared PostgreSQL mode: "
            "--db postgresql+psycopg://USER@SERVER/cartox (or set CARTOX_DB_URL)."
        )
