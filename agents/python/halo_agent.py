#!/usr/bin/env python3
"""halo's reference farm agent in Python: the protocol of docs/farm.md with the standard library only.

It registers with a halo server (with the server's token) as a device, keeps the agent token the server answers,
long-polls for measurement tasks, heartbeats while measuring and uploads the statistics. NAS-Bench-201 tasks are
measured with PyTorch (CUDA when present): the network is built from the architecture string exactly as halo's ONNX
exporter builds it (halo-onnx Nb201Network over Nb201Macro.cifar10: 3x3 stem 16 ch + BN, 3 stages of 5 cells with
channels 16/32/64 and a residual reduction block before stages 2 and 3, BN + ReLU, global average pooling, linear to
10 classes, 32x32x3 input), with random weights in eval mode, and timed with halo's stopping rule. --fake measures
nothing and needs no PyTorch (tests only).

    python3 halo_agent.py --server http://127.0.0.1:7070 --token "$HALO_TOKEN" --name gpu-1 --device a100 --threads 1
"""

import argparse
import hashlib
import json
import math
import os
import platform
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

AGENT_VERSION = "halo-python-agent/1"


# ---------------------------------------------------------------------------------------------------- statistics

def latency_stats(samples_ms):
    """halo's LatencyStats.of: min, median, nearest-rank p90, mean, CV, robust CV (1.4826 MAD / median) and the
    relative half-width of the distribution-free 95 % CI of the median (None below 6 runs: JSON has no infinity)."""
    s = sorted(samples_ms)
    n = len(s)
    mean = sum(s) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in s) / (n - 1)) if n > 1 else 0.0
    median = s[n // 2] if n % 2 == 1 else 0.5 * (s[n // 2 - 1] + s[n // 2])
    p90 = s[max(0, math.ceil(0.9 * n) - 1)]
    dev = sorted(abs(v - median) for v in s)
    mad = dev[n // 2] if n % 2 == 1 else 0.5 * (dev[n // 2 - 1] + dev[n // 2])
    stats = {"runs": n, "minMs": s[0], "medianMs": median, "p90Ms": p90, "meanMs": mean,
             "cv": sd / mean if mean > 0 else 0.0, "robustCv": 1.4826 * mad / median if median > 0 else 0.0}
    ci = median_rel_ci(s, median)
    if ci is not None:
        stats["medianRelCi"] = ci
    return stats


def median_rel_ci(sorted_ms, median):
    n = len(sorted_ms)
    half = 1.96 * math.sqrt(n) / 2.0
    lo = math.floor(n / 2.0 - half)
    hi = math.ceil(n / 2.0 + half) - 1
    if lo < 0 or hi >= n or median <= 0:
        return None
    return (sorted_ms[hi] - sorted_ms[lo]) / (2.0 * median)


# ---------------------------------------------------------------------------------------------------- NB201 network

NB201_OPS = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")


def parse_nb201(arch):
    """'|op~0|+|op~0|op~1|+|op~0|op~1|op~2|' -> [[(op, from)], [(op, from), ...], [...]] for nodes 1..3."""
    nodes = []
    for j, part in enumerate(arch.strip().split("+"), start=1):
        edges = []
        for token in part.strip("|").split("|"):
            op, _, src = token.partition("~")
            if op not in NB201_OPS or not src.isdigit() or int(src) >= j:
                raise ValueError("not a NAS-Bench-201 architecture: " + arch)
            edges.append((op, int(src)))
        if len(edges) != j:
            raise ValueError("not a NAS-Bench-201 architecture: " + arch)
        nodes.append(edges)
    if len(nodes) != 3:
        raise ValueError("not a NAS-Bench-201 architecture: " + arch)
    return nodes


def nb201_network(arch, torch):
    """The CIFAR-10 NAS-Bench-201 network of halo's exporter (halo-onnx Nb201Network), random weights, eval mode."""
    nn = torch.nn
    cell_nodes = parse_nb201(arch)

    def relu_conv_bn(cin, cout, kernel, stride):
        return nn.Sequential(nn.ReLU(), nn.Conv2d(cin, cout, kernel, stride, kernel // 2, bias=False), nn.BatchNorm2d(cout, eps=1e-5))

    class Cell(nn.Module):
        def __init__(self, channels):
            super().__init__()
            self.edges = nn.ModuleList()
            self.plan = []  # per node: [(edge index or None for identity, from)]
            for edges in cell_nodes:
                terms = []
                for op, src in edges:
                    if op == "none":
                        continue
                    if op == "skip_connect":
                        terms.append((None, src))
                        continue
                    if op == "avg_pool_3x3":
                        self.edges.append(nn.AvgPool2d(3, 1, 1, count_include_pad=False))
                    else:
                        self.edges.append(relu_conv_bn(channels, channels, 1 if op == "nor_conv_1x1" else 3, 1))
                    terms.append((len(self.edges) - 1, src))
                self.plan.append(terms)

        def forward(self, x):
            nodes = [x]
            for terms in self.plan:
                if not terms:
                    # a node whose edges are all 'none' is zero, as in the original network (and halo's Mul by 0)
                    nodes.append(x * 0.0)
                    continue
                total = None
                for edge, src in terms:
                    y = nodes[src] if edge is None else self.edges[edge](nodes[src])
                    total = y if total is None else total + y
                nodes.append(total)
            return nodes[3]

    class Reduction(nn.Module):
        """NAS-Bench-201's ResNet basic block: two ReLU-conv-BN (the first with stride 2) plus avg-pool + 1x1 conv."""

        def __init__(self, cin, cout):
            super().__init__()
            self.a = relu_conv_bn(cin, cout, 3, 2)
            self.b = relu_conv_bn(cout, cout, 3, 1)
            self.shortcut = nn.Sequential(nn.AvgPool2d(2, 2, 0, count_include_pad=True), nn.Conv2d(cin, cout, 1, 1, 0, bias=False))

        def forward(self, x):
            return self.shortcut(x) + self.b(self.a(x))

    layers = [nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16, eps=1e-5)]
    cin = 16
    for stage, channels in enumerate((16, 32, 64)):
        if stage > 0:
            layers.append(Reduction(cin, channels))
        layers.extend(Cell(channels) for _ in range(5))
        cin = channels
    layers += [nn.BatchNorm2d(64, eps=1e-5), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers).eval()


# ---------------------------------------------------------------------------------------------------- measuring

class TorchTimer:
    """Times NB201 networks under a task's settings with halo's rule: warm-up runs, then at least minRuns and at most
    maxRuns timed forward passes, stopping once the median's 95 % CI is within 2 % or maxSecondsPerArch has passed."""

    TARGET_REL_CI = 0.02

    def __init__(self):
        import torch
        self.torch = torch
        self.cuda = torch.cuda.is_available()
        self.device = torch.device("cuda" if self.cuda else "cpu")

    def fingerprint(self):
        t = self.torch
        fp = base_fingerprint()
        fp["runtime"] = "pytorch " + t.__version__
        fp["provider"] = "cuda" if self.cuda else "cpu"
        if self.cuda:
            fp["gpu"] = t.cuda.get_device_name(0)
            fp["cuda"] = t.version.cuda
        return fp

    def measure(self, space, arch, settings):
        if space != "nasbench201":
            return {"failure": "the python agent measures nasbench201 only, not " + space}
        t = self.torch
        t.set_num_threads(int(settings.get("threads", 1)))
        t.manual_seed(0)
        net = nb201_network(arch, t).to(self.device)
        x = t.randn(int(settings.get("batch", 1)), 3, 32, 32, device=self.device)
        samples = []
        with t.inference_mode():
            for _ in range(int(settings.get("warmupRuns", 5))):
                net(x)
            self.sync()
            start = time.perf_counter()
            while len(samples) < int(settings.get("maxRuns", 200)):
                t0 = time.perf_counter()
                net(x)
                self.sync()
                t1 = time.perf_counter()
                samples.append((t1 - t0) * 1e3)
                if t1 - start >= float(settings.get("maxSecondsPerArch", 3.0)):
                    break
                if len(samples) >= int(settings.get("minRuns", 10)) and latency_stats(samples).get("medianRelCi", math.inf) < self.TARGET_REL_CI:
                    break
        return {"stats": latency_stats(samples)}

    def sync(self):
        if self.cuda:
            self.torch.cuda.synchronize()


class FakeTimer:
    """Tests only: measures nothing; sleeps and makes a latency up from the arch string, as halo agent --fake does."""

    def __init__(self, ms):
        self.ms = ms

    def fingerprint(self):
        fp = base_fingerprint()
        fp.update({"runtime": "none", "provider": "fake", "fake_measurements": True})
        return fp

    def measure(self, space, arch, settings):
        time.sleep(self.ms / 1000.0)
        median = 1 + java_hash(arch) % 1000 / 100.0
        return {"stats": {"runs": 10, "minMs": median * 0.95, "medianMs": median, "p90Ms": median * 1.05, "meanMs": median,
                          "cv": 0.02, "robustCv": 0.02, "medianRelCi": 0.01}}


def java_hash(s):
    """Java's String.hashCode (BMP characters), so that --fake makes up the same latencies as halo agent --fake."""
    h = 0
    for ch in s:
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def base_fingerprint():
    fp = {"cpu_model": cpu_model(), "cpu_detail": cpu_detail(), "logical_cores": os.cpu_count(), "os": platform.system() + " " + platform.release() + " " + platform.machine(),
          "python": platform.python_version(), "agent": "python", "agent_version": AGENT_VERSION}
    try:
        fp["memory_bytes"] = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        pass
    return fp


def cpu_detail():
    """The same text as halo's DeviceFingerprint.cpuDetail: family/model/stepping, cache, bogomips and a hash of the flags
    of the first processor, which tell apart VMs that all call their CPU "Intel(R) Xeon(R) Processor"."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip() and fields:
                    break
                if ":" in line:
                    key, value = line.split(":", 1)
                    fields.setdefault(key.strip(), value.strip())
    except OSError:
        return ""
    parts = []
    if fields.get("vendor_id"):
        parts.append(fields["vendor_id"])
    if any(k in fields for k in ("cpu family", "model", "stepping")):
        parts.append("/".join(fields.get(k, "?") for k in ("cpu family", "model", "stepping")))
    if fields.get("cache size"):
        parts.append("cache " + fields["cache size"])
    if fields.get("bogomips"):
        parts.append("bogomips " + fields["bogomips"])
    flags = fields.get("flags") or fields.get("Features")
    if flags and flags.strip():
        parts.append("flags " + hashlib.sha256(" ".join(sorted(set(flags.split()))).encode()).hexdigest()[:8])
    return " ".join(" ".join(p.split()) for p in parts)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# ---------------------------------------------------------------------------------------------------- protocol

class Refused(Exception):
    """The server refused a request the agent cannot go on without (bad token, bad input)."""


class Client:
    def __init__(self, server, retry_seconds):
        self.server = server.rstrip("/")
        self.retry_seconds = retry_seconds

    def post(self, path, body, token, timeout=60, retry_seconds=None):
        """(status, JSON answer); retried with backoff while the server cannot be reached or answers 5xx."""
        data = b"" if body is None else json.dumps(body).encode()
        end = time.monotonic() + (self.retry_seconds if retry_seconds is None else retry_seconds)
        backoff = 0.1
        while True:
            req = urllib.request.Request(self.server + path, data=data, method="POST",
                                         headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=timeout) as r:
                    return r.status, parse(r.read())
            except urllib.error.HTTPError as e:
                answer = parse(e.read())
                if e.code < 500 or time.monotonic() >= end:
                    return e.code, answer
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                if time.monotonic() >= end:
                    raise Refused("%s cannot be reached (%s), retried %s s" % (self.server, e, self.retry_seconds))
            time.sleep(backoff)
            backoff = min(2.0, backoff * 2)


def parse(body):
    """An answer's JSON; a body that is not JSON (e.g. a proxy's error page) as its first line of text."""
    try:
        return json.loads(body or b"null")
    except ValueError:
        return body.decode("utf-8", "replace").strip().splitlines()[0] if body.strip() else None


def expect(reply, status, what):
    code, body = reply
    if code != status:
        error = body.get("error") if isinstance(body, dict) else body
        raise Refused("%s: the server answered %d: %s" % (what, code, error))
    return body


def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run(args, timer):
    client = Client(args.server, args.retry)
    offers = {}
    if args.threads:
        offers["threads"] = args.threads
    if args.batch:
        offers["batch"] = args.batch
    reg = expect(client.post("/api/agents", {"name": args.name, "device": args.device, "fingerprint": timer.fingerprint(), "offers": offers},
                             args.token), 201, "registering")
    agent, token, lease_seconds = reg["agent"], reg["token"], reg["leaseSeconds"]
    print("agent %s #%d: device %s, fingerprint %s, lease %.1f s" % (args.name, agent, args.device, reg["fingerprintId"], lease_seconds), flush=True)
    counts = {"stored": 0, "already": 0, "failed": 0, "refused": 0}
    idle_since = time.monotonic()
    while True:
        if args.max_jobs and sum(counts.values()) >= args.max_jobs:
            return counts, "max-jobs reached"
        idle = time.monotonic() - idle_since
        if args.idle_exit and idle >= args.idle_exit:
            return counts, "idle for %s s" % args.idle_exit
        wait = max(0, math.ceil(min(20, args.idle_exit - idle))) if args.idle_exit else 20
        lease = expect(client.post("/api/agents/%d/lease?wait=%d" % (agent, wait), None, token), 200, "leasing")
        if not lease["tasks"]:
            continue
        for task in lease["tasks"]:
            counts[measure_and_upload(client, token, task, timer, lease_seconds)] += 1
        # idle means without work: counted from the end of the last task, not from its lease
        idle_since = time.monotonic()


def measure_and_upload(client, token, task, timer, lease_seconds):
    """Measures one task with heartbeats every third of a lease, uploads the result; which count it adds to."""
    stop = threading.Event()

    def beat():
        while not stop.wait(max(0.05, lease_seconds / 3)):
            try:
                client.post("/api/tasks/%d/heartbeat" % task["id"], {"leaseToken": task["leaseToken"]}, token, timeout=10, retry_seconds=0)
            except Refused:
                pass  # the next beat or the upload tries again

    beats = threading.Thread(target=beat, daemon=True)
    beats.start()
    started = now()
    try:
        outcome = timer.measure(task["space"], task["arch"], task["settings"])
    except Exception as e:  # a network that cannot be built or run is a failure of this task, not of the agent
        outcome = {"failure": ("%s: %s" % (type(e).__name__, e)).splitlines()[0][:2000]}
    finally:
        stop.set()
        beats.join()
    result = dict(outcome, leaseToken=task["leaseToken"], startedAt=started, measuredAt=now())
    code, body = client.post("/api/tasks/%d/result" % task["id"], result, token)
    shown = "%.3f ms" % outcome["stats"]["medianMs"] if "stats" in outcome else "failed: " + outcome["failure"]
    print("task %d %s round %d: %s -> %d" % (task["id"], task["arch"], task["round"], shown, code), flush=True)
    if code == 201:
        return "stored"
    if code == 200:
        return "failed" if "failure" in outcome else "already"
    if code == 409:
        return "refused"
    raise Refused("uploading task %d: the server answered %d: %s" % (task["id"], code, body.get("error") if isinstance(body, dict) else body))


def int_list(text):
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("expected integers separated by commas, got '%s'" % text)
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("values must be >= 1, got '%s'" % text)
    return values


def main(argv=None):
    p = argparse.ArgumentParser(description="halo's Python farm agent (protocol: docs/farm.md)")
    p.add_argument("--server", required=True, help="the halo server, e.g. http://127.0.0.1:7070")
    p.add_argument("--token", default=os.environ.get("HALO_TOKEN"), help="the server's token, for registering (default: $HALO_TOKEN)")
    p.add_argument("--name", default=platform.node() or "python-agent", help="this agent's name (default: the host name)")
    p.add_argument("--device", help="the device it measures as (default: the name)")
    p.add_argument("--threads", type=int_list, help="intra-op thread counts it offers, e.g. 1,2 (default: any)")
    p.add_argument("--batch", type=int_list, help="batch sizes it offers (default: any)")
    p.add_argument("--max-jobs", type=int, default=0, help="stop after N tasks (default: no limit)")
    p.add_argument("--idle-exit", type=float, default=0, help="stop after S seconds without a task (default: never)")
    p.add_argument("--retry", type=float, default=60, help="retry a request this long while the server cannot be reached")
    p.add_argument("--fake", type=float, metavar="MS", help="TESTS ONLY: measure nothing, each task takes MS ms (needs no PyTorch)")
    args = p.parse_args(argv)
    args.device = args.device or args.name
    if not args.token:
        p.error("--token is required (the server's token)")
    if args.fake is not None and args.fake < 0:
        p.error("--fake must be >= 0 ms")
    try:
        timer = FakeTimer(args.fake) if args.fake is not None else TorchTimer()
    except ImportError:
        print("halo_agent: PyTorch is not installed (pip install torch), or use --fake for tests", file=sys.stderr)
        return 2
    try:
        counts, why = run(args, timer)
    except Refused as e:
        print("halo_agent: " + str(e), file=sys.stderr)
        return 2
    print("agent %s stopped (%s): %d stored, %d already stored, %d failed, %d refused"
          % (args.name, why, counts["stored"], counts["already"], counts["failed"], counts["refused"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
