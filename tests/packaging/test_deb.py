#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Debian package, as a user gets it: built with cpack from this build tree into a temporary folder,
checked with dpkg-deb, unpacked into a fresh root (the Qt libraries come from the host), and run from there.

Usage: test_deb.py --build-dir DIR --version X.Y.Z [--cpack PATH]
"""
import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

APP_ID = "io.github.kodemon.Kodemon"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
START_TIMEOUT = 60  # seconds; the machine may be busy with other tests

EXPECTED_FILES = {
    "usr/bin/kodemon",
    f"usr/share/applications/{APP_ID}.desktop",
    f"usr/share/metainfo/{APP_ID}.metainfo.xml",
    "usr/share/icons/hicolor/scalable/apps/kodemon.svg",
    "usr/share/man/man1/kodemon.1.gz",
    "usr/share/doc/kodemon/copyright",
    "usr/share/doc/kodemon/changelog.gz",
    "lib/systemd/system/kodemon.service",
} | {f"usr/share/icons/hicolor/{s}x{s}/apps/kodemon.png" for s in ICON_SIZES}

failures = []


def check(condition, what, detail=""):
    print(("ok   " if condition else "FAIL ") + what + ("" if condition or not detail else f"\n     {detail}"))
    if not condition:
        failures.append(what)
    return condition


def run(*command, **kwargs):
    # cpack compresses the AddressSanitizer build's 225 MB binary in 100-125 s on CI's machine: 120 s ran out.
    return subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)


def build_package(cpack, build_dir, out_dir):
    result = run(cpack, "-G", "DEB", "--config", os.path.join(build_dir, "CPackConfig.cmake"), "-B", out_dir)
    if result.returncode != 0:
        sys.exit(f"cpack failed:\n{result.stdout}\n{result.stderr}")
    debs = [f for f in os.listdir(out_dir) if f.endswith(".deb")]
    if len(debs) != 1:
        sys.exit(f"cpack made {debs}, expected one .deb")
    return os.path.join(out_dir, debs[0])


def check_control(deb, version):
    fields = {}
    for name in ("Package", "Version", "Architecture", "Depends", "Recommends", "Maintainer", "Description"):
        fields[name] = run("dpkg-deb", "-f", deb, name).stdout.strip()
    arch = run("dpkg", "--print-architecture").stdout.strip()
    check(os.path.basename(deb) == f"kodemon_{version}_{arch}.deb", f"file name is kodemon_{version}_{arch}.deb",
          os.path.basename(deb))
    check(fields["Package"] == "kodemon", "Package: kodemon", fields["Package"])
    check(fields["Version"] == version, f"Version: {version} (the project version)", fields["Version"])
    depends = [d.strip().split(" ")[0] for d in fields["Depends"].replace("|", ",").split(",")]
    for needed in ("libqt6sql6-sqlite", "libqt6core6", "libqt6gui6", "libqt6widgets6", "libqt6charts6",
                   "libqt6httpserver6", "libsqlite3-0", "libc6"):
        check(needed in depends, f"Depends names {needed}", fields["Depends"])
    check("libjs-dygraphs" not in depends, "Depends leaves out libjs-dygraphs (compiled in)", fields["Depends"])
    check(bool(fields["Maintainer"]) and bool(fields["Description"]), "Maintainer and Description are set")
    return fields


def check_contents(deb):
    listing = run("dpkg-deb", "-c", deb).stdout.splitlines()
    files = {}
    for line in listing:
        parts = line.split()
        mode, path = parts[0], parts[5][2:]  # "./usr/bin/kodemon" -> "usr/bin/kodemon"
        if not mode.startswith("d"):
            files[path] = mode
    missing = EXPECTED_FILES - files.keys()
    extra = files.keys() - EXPECTED_FILES
    check(not missing, "the package holds the binary, desktop entry, metainfo, icons, man page, unit, copyright",
          f"missing: {sorted(missing)}")
    check(not extra, "the package holds nothing else", f"unexpected: {sorted(extra)}")
    check(files.get("usr/bin/kodemon", "").startswith("-rwxr-xr-x"), "usr/bin/kodemon is executable")
    owners = {line.split()[1] for line in listing}
    check(owners == {"root/root"}, "every file belongs to root", str(owners))
    scripts = run("dpkg-deb", "-I", deb).stdout
    for script in ("postinst", "prerm", "postrm"):
        check(re.search(rf"\s{script}\s", scripts) is not None, f"the package has a {script} script")


def png_size(path):
    with open(path, "rb") as f:
        header = f.read(24)
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", header[16:24])


def check_desktop_files(root, version):
    for size in ICON_SIZES:
        path = os.path.join(root, f"usr/share/icons/hicolor/{size}x{size}/apps/kodemon.png")
        check(png_size(path) == (size, size), f"the {size}x{size} icon is a {size}x{size} PNG", str(png_size(path)))
    desktop = os.path.join(root, f"usr/share/applications/{APP_ID}.desktop")
    result = run("desktop-file-validate", desktop)
    check(result.returncode == 0 and not result.stdout.strip(), "desktop-file-validate accepts the desktop entry",
          result.stdout + result.stderr)
    entry = open(desktop, encoding="utf-8").read()
    check(re.search(r"^Exec=kodemon\b", entry, re.M) and re.search(r"^Icon=kodemon$", entry, re.M),
          "the desktop entry runs kodemon with the kodemon icon")
    metainfo = os.path.join(root, f"usr/share/metainfo/{APP_ID}.metainfo.xml")
    result = run("appstreamcli", "validate", "--no-net", "--explain", metainfo)
    check(result.returncode == 0, "appstreamcli validate --no-net accepts the metainfo", result.stdout + result.stderr)
    releases = re.findall(r'<release version="([^"]+)"', open(metainfo, encoding="utf-8").read())
    check(releases[:1] == [version], f"the newest release in the metainfo is {version}", str(releases))


def help_options(binary):
    """Every option `kodemon --help` lists, e.g. --udp-port and -h."""
    text = run(binary, "--help").stdout
    return sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-z?])(?=[\s,<=])", text)))


def check_man_page(root, binary, version):
    with gzip.open(os.path.join(root, "usr/share/man/man1/kodemon.1.gz"), "rt", encoding="utf-8") as f:
        source = f.read()
    check(f'"Kodemon {version}"' in source, f"the man page names version {version}")
    text = source.replace("\\-", "-")
    options = help_options(binary)
    check(len(options) >= 10, "kodemon --help lists its options", str(options))
    undocumented = [o for o in options if o != "-?" and not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text)]
    check(not undocumented, "the man page describes every option of kodemon --help",
          f"add to packaging/linux/kodemon.1.in: {undocumented}")
    described = re.search(r"^\.SH OPTIONS$(.*?)^\.SH ", text, re.M | re.S).group(1)
    stale = sorted(set(re.findall(r"^\.BI? (--[a-z][a-z0-9-]*)", described, re.M)) - set(options))
    check(not stale, "the man page describes no option that kodemon --help does not list",
          f"remove from packaging/linux/kodemon.1.in: {stale}")
    for section in ("EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES"):
        check(f".SH {section}" in source, f"the man page has {section}")
    for variable in ("KODEMON_HOST", "KODEMON_PORT", "KODEMON_TOKEN"):
        check(variable in source, f"the man page explains {variable}")
    if shutil.which("man"):
        result = run("man", "--warnings", "-l", os.path.join(root, "usr/share/man/man1/kodemon.1.gz"),
                     env={**os.environ, "MANWIDTH": "80", "LC_ALL": "C.UTF-8", "MANPAGER": "cat", "PAGER": "cat"})
        check(result.returncode == 0 and not result.stderr.strip(), "man renders the page without warnings",
              result.stderr)


def check_unit(root):
    unit = open(os.path.join(root, "lib/systemd/system/kodemon.service"), encoding="utf-8").read()
    for line in ("ExecStart=/usr/bin/kodemon --headless --db /var/lib/kodemon/kodemon.sqlite", "DynamicUser=yes",
                 "StateDirectory=kodemon", "Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict"):
        check(line in unit, f"the unit has {line}")
    check("[Install]" in unit, "the unit can be enabled")
    analyze = shutil.which("systemd-analyze")
    if analyze and os.path.isdir("/usr/lib/systemd/system"):
        # Verified inside the unpacked root (so that /usr/bin/kodemon and man:kodemon(1) are found there), with
        # the host's units beside it for the targets it names.
        shutil.copytree("/usr/lib/systemd/system", os.path.join(root, "usr/lib/systemd/system"), symlinks=True)
        result = run(analyze, "verify", f"--root={root}", "kodemon.service",
                     env={**os.environ, "MANPATH": os.path.join(root, "usr/share/man")})
        output = (result.stdout + result.stderr).strip()
        check(result.returncode == 0 and not output, "systemd-analyze verify accepts the unit", output)
    else:
        print("skip systemd-analyze verify: systemd is not installed")
    for script in ("postinst", "prerm", "postrm"):
        result = run("sh", "-n", os.path.join(root, "DEBIAN", script))
        check(result.returncode == 0, f"{script} is valid sh", result.stderr)


class Kodemon:
    """The installed kodemon (--headless, or its window on Qt's offscreen platform), stdout read on a thread."""

    def __init__(self, binary, *arguments):
        self.process = subprocess.Popen([binary, *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.lines = []
        self.errors = []
        self.started = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        self.stderr_reader = threading.Thread(target=self._read_errors, daemon=True)
        self.stderr_reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)
            if "listening on UDP" in line:
                self.started.set()

    def _read_errors(self):  # a full stderr pipe would stop the process
        for line in self.process.stderr:
            self.errors.append(line)

    @property
    def stderr(self):
        return "".join(self.errors)

    def wait_started(self):
        return self.started.wait(START_TIMEOUT)

    def ports(self):
        line = next(l for l in self.lines if "listening on UDP" in l)
        udp = int(re.search(r"UDP \S+:(\d+)", line).group(1))
        http = int(re.search(r"HTTP http://\S+:(\d+)/", line).group(1))
        return udp, http

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(START_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self.stderr_reader.join(10)
        return code


def http_get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.status, response.read()


def check_runs(root, version, work):
    binary = os.path.join(root, "usr/bin/kodemon")
    result = run(binary, "--version")
    check(result.returncode == 0 and result.stdout.strip() == f"kodemon {version}",
          f"the installed kodemon --version prints 'kodemon {version}'", result.stdout + result.stderr)
    result = run(binary, "--help-all")
    check(result.returncode == 0 and "--headless" in result.stdout, "kodemon --help-all prints the help",
          f"exit {result.returncode}: {result.stderr[-500:]}")

    database = os.path.join(work, "data", "kodemon.sqlite")
    kodemon = Kodemon(binary, "--headless", "--udp-port", "0", "--http-port", "0", "--db", database)
    if not kodemon.wait_started():
        code = kodemon.stop()
        check(False, "the installed kodemon --headless starts and says 'listening on UDP'",
              f"exit {code}\n{''.join(kodemon.lines)}{kodemon.stderr}")
        return
    udp, http = kodemon.ports()
    try:
        check_second_launch(binary, database, udp)
        check_serves(udp, http)
    finally:
        code = kodemon.stop()
    check(code == 0, "SIGTERM stops it with exit code 0", f"exit {code}\n{kodemon.stderr}")
    check(os.path.exists(database), "it created the database where --db said")


def check_second_window(root, work):
    """A second desktop launch on the database of a running window brings that window to the front."""
    binary = os.path.join(root, "usr/bin/kodemon")
    database = os.path.join(work, "desktop", "kodemon.sqlite")
    first = Kodemon(binary, "--udp-port", "0", "--http-port", "0", "--db", database)
    if not first.wait_started():
        code = first.stop()
        check(False, "kodemon with its window starts", f"exit {code}\n{''.join(first.lines)}{first.stderr}")
        return
    try:
        second = run(binary, "--udp-port", "0", "--http-port", "0", "--db", database)
    finally:
        code = first.stop()
    check(second.returncode == 0 and "brought that window to the front" in second.stdout,
          "a second launch on the same database brings the running window to the front and exits 0",
          f"exit {second.returncode}: {second.stdout}{second.stderr}")
    check("another launch on this database: showing the window" in first.stderr,
          "the running window was asked to come to the front", first.stderr[-1000:])
    check(code == 0, "SIGTERM closes the window with exit code 0", f"exit {code}\n{first.stderr[-1000:]}")


def check_second_launch(binary, database, udp):
    result = run(binary, "--headless", "--udp-port", "0", "--http-port", "0", "--db", database)
    check(result.returncode == 1 and "already using" in result.stderr and database in result.stderr,
          "a second kodemon on the same database exits 1 saying another Kodemon is already using it",
          f"exit {result.returncode}: {result.stderr}")
    other = database + ".other.sqlite"
    result = run(binary, "--headless", "--udp-port", str(udp), "--http-port", "0", "--db", other)
    check(result.returncode == 2 and "already in use" in result.stderr and str(udp) in result.stderr,
          "a second kodemon on the same UDP port exits 2 saying the port is already in use",
          f"exit {result.returncode}: {result.stderr}")


def check_serves(udp, http):
    datagram = {"key": "packaging/test_deb.py-check_serves", "execution_time": 12.5, "timestamp": int(time.time()),
                "token": "packaging"}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(json.dumps(datagram).encode(), ("127.0.0.1", udp))
    deadline = time.monotonic() + START_TIMEOUT
    keys = []
    while time.monotonic() < deadline:
        keys = json.loads(http_get(http, "/api/keys")[1])
        if datagram["key"] in json.dumps(keys):
            break
        time.sleep(0.2)
    check(datagram["key"] in json.dumps(keys), "a datagram sent to it comes back from /api/keys", str(keys)[:500])
    status, body = http_get(http, "/assets/dygraph.min.js")
    check(status == 200 and len(body) > 10000, "it serves the web page's chart library from its own resources")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--cpack", default="cpack")
    args = parser.parse_args()
    for tool in (args.cpack, "dpkg-deb", "dpkg-shlibdeps", "desktop-file-validate", "appstreamcli"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: run make deps")

    with tempfile.TemporaryDirectory(prefix="kodemon-deb-") as work:
        started = time.monotonic()
        deb = build_package(args.cpack, args.build_dir, os.path.join(work, "out"))
        print(f"built {os.path.basename(deb)} in {time.monotonic() - started:.1f} s")
        check_control(deb, args.version)
        check_contents(deb)
        root = os.path.join(work, "root")
        # The installed kodemon keeps its defaults (database, settings) in a home of its own.
        os.environ["HOME"] = os.path.join(work, "home")
        os.environ["XDG_RUNTIME_DIR"] = os.path.join(work, "run")
        os.mkdir(os.environ["XDG_RUNTIME_DIR"], 0o700)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the window, where it is opened, needs no display
        for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            os.environ.pop(variable, None)
        subprocess.run(["dpkg-deb", "-R", deb, root], check=True)  # files plus DEBIAN/ with the scripts
        check_desktop_files(root, args.version)
        check_man_page(root, os.path.join(root, "usr/bin/kodemon"), args.version)
        check_unit(root)
        check_runs(root, args.version, work)
        check_second_window(root, work)

    print(f"{len(failures)} failed" if failures else "all packaging checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
