#!/usr/bin/python3
"""Collect N devsim devices with netmiko (Debian python3-netmiko) from a thread pool.

The comparison point for bench_collect (see bench/README.md, "Collection"):

    /usr/bin/python3 bench/netmiko_collect.py --devsim build/tests/devsim/devsim \
        --devices 100 --threads 200 --latency-ms 20

Starts devsim itself on 127.0.0.1 (synthetic cisco_ios devices, one port each, a fresh client
key), runs ConnectHandler + send_command("show running-config") per device, checks each config
against the one devsim serves, prints wall time, and stops devsim by PID.
"""
import argparse
import concurrent.futures
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

import netmiko


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--devsim", required=True)
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--platform", default="cisco_ios")
    args = parser.parse_args()

    source = pathlib.Path(__file__).resolve().parent.parent
    expected = (source / "tests/fixtures/devsim/configs" / f"{args.platform}.cfg").read_text()
    with tempfile.TemporaryDirectory(prefix="netmiko-bench-") as tmp:
        tmp = pathlib.Path(tmp)
        key = tmp / "id_ed25519"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
        log = open(tmp / "devsim.log", "w")
        devsim = subprocess.Popen(
            [args.devsim, "--devices", str(args.devices), "--platform", args.platform,
             "--latency-ms", str(args.latency_ms), "--authorized-key", f"{key}.pub",
             "--ready-file", str(tmp / "ready")], stdout=log, stderr=log)
        try:
            deadline = time.time() + 60
            while not (tmp / "ready").exists():
                if devsim.poll() is not None or time.time() > deadline:
                    sys.exit("devsim did not start")
                time.sleep(0.02)
            ports = [int(line.split()[1]) for line in (tmp / "ready").read_text().splitlines()]

            def collect(port):
                started = time.monotonic()
                conn = netmiko.ConnectHandler(
                    device_type=args.platform, host="127.0.0.1", port=port, username="admin",
                    use_keys=True, key_file=str(key), allow_agent=False, timeout=60)
                try:
                    output = conn.send_command("show running-config")
                finally:
                    conn.disconnect()
                return output, time.monotonic() - started

            started = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(max_workers=args.threads) as pool:
                results = list(pool.map(collect, ports))
            wall = time.monotonic() - started
        finally:
            devsim.terminate()  # by PID
            devsim.wait(timeout=10)
        injected = ""
        for line in (tmp / "devsim.log").read_text().splitlines():
            if line.startswith("devsim: injected"):
                injected = line
    exact = sum(1 for output, _ in results if output.strip() == expected.strip())
    times = sorted(t for _, t in results)
    print(f"netmiko {netmiko.__version__}: {len(results)} devices, {args.threads} threads, "
          f"{args.latency_ms} ms/command")
    print(f"wall time          {wall:.3f} s")
    print(f"configs exact      {exact}/{len(results)}")
    print(f"per device         p50 {times[len(times) // 2] * 1000:.0f} ms, "
          f"max {times[-1] * 1000:.0f} ms")
    print(f"peak RSS           {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f} MiB")
    print(injected)


if __name__ == "__main__":
    main()
