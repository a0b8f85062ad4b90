#!/usr/bin/env python3
"""gRPC parity check: `tanu serve` must decide exactly what `tanu match` decided.

An outside client, independent of the Rust code: it generates Python stubs from the repository's
proto/ with grpc_tools.protoc, starts `tanu serve` on a free loopback port, waits for the
standard health service to say SERVING, sends every query of a queries JSONL file to the RPC its
`kind` names, and compares each answer with the `tanu match` output JSONL. It prints only request
ids, never names or IINs. The last line is `N passed, M failed`; the exit status is 0 only when
nothing failed (1 on a mismatch, 2 when the check could not run).

    pip install -r tools/python/requirements.txt
    python3 tools/python/grpc_parity.py --tanu target/release/tanu --index IDX \
        --queries queries.jsonl --expected decisions.jsonl

A query line is a QueryInput: request_id, kind (criminal_record | administrative_offences), iin,
surname, given_name, patronymic, birth_date, as_of. An expected line is either a decision
{"request_id", "decision": "clear" | "review", "model_version", ...} or an error
{"request_id"?, "line", "error", "field"}; an error must come back as INVALID_ARGUMENT whose
message starts with "<field>: ". Queries the wire cannot carry (broken JSON, an unknown kind, a
non-string field) are skipped and counted.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import importlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CERTIFICATE_SERVICE = "tanu.v1.CertificateService"
RPC_OF_KIND = {
    "criminal_record": "CheckCriminalRecord",
    "administrative_offences": "CheckAdministrativeOffences",
}
STRING_FIELDS = ("request_id", "surname", "given_name")
OPTIONAL_FIELDS = ("iin", "patronymic", "birth_date", "as_of")

# The standard health protocol (grpc/health/v1/health.proto), Check only: messages are
# enough, the call goes through channel.unary_unary.
HEALTH_PROTO = """
syntax = "proto3";
package grpc.health.v1;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse {
  enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
  ServingStatus status = 1;
}
service Health { rpc Check(HealthCheckRequest) returns (HealthCheckResponse); }
"""


class Setup(Exception):
    """The check could not run."""


def generate_stubs(proto_dir: Path, out: Path):
    """Compile proto/ (messages and stubs) and the health proto (messages) into `out`."""
    try:
        import grpc
        import grpc_tools
        from grpc_tools import protoc
    except ImportError as e:
        raise Setup(f"{e}: pip install -r {Path(__file__).parent / 'requirements.txt'}") from e
    protos = sorted(str(p.relative_to(proto_dir)) for p in proto_dir.rglob("*.proto"))
    if not protos:
        raise Setup(f"no .proto files under {proto_dir}")
    health_src = out / "health_src"
    health_src.mkdir()
    (health_src / "health.proto").write_text(HEALTH_PROTO)
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    gen, health_gen = out / "gen", out / "health_gen"
    gen.mkdir()
    health_gen.mkdir()
    runs = (
        [f"-I{proto_dir}", f"-I{well_known}", f"--python_out={gen}", f"--grpc_python_out={gen}", *protos],
        [f"-I{health_src}", f"--python_out={health_gen}", "health.proto"],
    )
    for run_args in runs:
        if protoc.main(["grpc_tools.protoc", *run_args]) != 0:
            raise Setup(f"protoc failed: {' '.join(run_args)}")
    # The tanu modules import each other by package path (tanu.v1.…); the health module is
    # loaded by file so that nothing can shadow the installed `grpc` package.
    sys.path.insert(0, str(gen))
    pb2 = importlib.import_module("tanu.v1.certificate_pb2")
    pb2_grpc = importlib.import_module("tanu.v1.certificate_pb2_grpc")
    spec = importlib.util.spec_from_file_location("tanu_parity_health_pb2", health_gen / "health_pb2.py")
    health_pb2 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(health_pb2)
    return grpc, pb2, pb2_grpc, health_pb2


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, server: subprocess.Popen, timeout: float) -> None:
    """Poll the port first: a gRPC channel that fails to connect backs off for a second."""
    deadline = time.monotonic() + timeout
    while True:
        if server.poll() is not None:
            raise Setup(f"tanu serve exited with status {server.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise Setup(f"tanu serve not listening on port {port} after {timeout:.0f} s") from None
            time.sleep(0.02)


def wait_serving(grpc, health_pb2, channel, server: subprocess.Popen, timeout: float) -> None:
    check = channel.unary_unary(
        "/grpc.health.v1.Health/Check",
        request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
        response_deserializer=health_pb2.HealthCheckResponse.FromString,
    )
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise Setup(f"tanu serve exited with status {server.returncode} before serving")
        try:
            reply = check(health_pb2.HealthCheckRequest(service=CERTIFICATE_SERVICE), timeout=2)
            if reply.status == health_pb2.HealthCheckResponse.SERVING:
                return
            last = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
        except grpc.RpcError as e:
            last = e.code().name
        time.sleep(0.1)
    raise Setup(f"{CERTIFICATE_SERVICE} not SERVING after {timeout:.0f} s (last: {last})")


def read_jsonl(path: Path):
    with path.open("rb") as f:
        for number, raw in enumerate(f, 1):
            if raw.strip():
                yield number, raw


def load_expected(path: Path):
    """(decisions and errors by request id, in order; errors without an id by line number)."""
    by_id: dict[str, collections.deque] = collections.defaultdict(collections.deque)
    by_line: dict[int, dict] = {}
    for number, raw in read_jsonl(path):
        try:
            entry = json.loads(raw)
        except ValueError as e:
            raise Setup(f"{path}:{number}: not JSON ({e})") from e
        if "error" in entry and "line" in entry:
            by_line[int(entry["line"])] = entry
        if isinstance(entry.get("request_id"), str):
            by_id[entry["request_id"]].append(entry)
        elif "error" not in entry:
            raise Setup(f"{path}:{number}: no request_id")
    return by_id, by_line


def to_request(pb2, query: dict):
    """The wire request of a query, or None when the wire cannot carry it."""
    fields = {}
    for name in STRING_FIELDS + OPTIONAL_FIELDS:
        value = query.get(name)
        if value is None:
            if name in STRING_FIELDS:
                fields[name] = ""
            continue
        if not isinstance(value, str):
            return None
        fields[name] = value
    return pb2.CheckRequest(**fields)


def compare(grpc, pb2, stub, query: dict, request, expected: dict, timeout: float) -> str | None:
    """None when the server agrees with `expected`, else what differs."""
    method = getattr(stub, RPC_OF_KIND[query["kind"]])
    try:
        reply = method(request, timeout=timeout)
    except grpc.RpcError as e:
        if "error" in expected:
            field = expected.get("field", "")
            if e.code() == grpc.StatusCode.INVALID_ARGUMENT and e.details().startswith(f"{field}: "):
                return None
            return f"expected INVALID_ARGUMENT on {field!r}, got {e.code().name} on {e.details().split(':')[0]!r}"
        return f"expected {expected.get('decision')!r}, got {e.code().name} on {e.details().split(':')[0]!r}"
    got = pb2.Decision.Name(reply.decision).removeprefix("DECISION_").lower()
    if "error" in expected:
        return f"expected INVALID_ARGUMENT on {expected.get('field')!r}, got {got!r}"
    if reply.request_id != query["request_id"]:
        return "response carries another request_id"
    if got != expected.get("decision"):
        return f"expected {expected.get('decision')!r}, got {got!r}"
    want_model = expected.get("model_version")
    if want_model is not None and reply.model_version != want_model:
        return f"model_version: expected {want_model!r}, got {reply.model_version!r}"
    return None


def stop(server: subprocess.Popen, grace: float) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        code = server.wait(timeout=grace)
        if code != 0:
            print(f"warning: tanu serve exited with status {code} on SIGTERM", file=sys.stderr)
    except subprocess.TimeoutExpired:
        print(f"warning: tanu serve still running {grace:.0f} s after SIGTERM: killed", file=sys.stderr)
        server.kill()
        server.wait()


def run(args) -> tuple[int, int]:
    with tempfile.TemporaryDirectory(prefix="tanu-parity-") as tmp:
        tmp = Path(tmp)
        grpc, pb2, pb2_grpc, health_pb2 = generate_stubs(args.proto_dir, tmp)
        by_id, by_line = load_expected(args.expected)
        port = free_port()
        log_path = tmp / "serve.log"
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [str(args.tanu), "serve", "--index", str(args.index), "--listen", f"127.0.0.1:{port}"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            )
        try:
            try:
                wait_listening(port, server, args.start_timeout)
            except Setup:
                sys.stderr.write(log_path.read_text(errors="replace")[-4000:])
                raise
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                wait_serving(grpc, health_pb2, channel, server, args.start_timeout)
                stub = pb2_grpc.CertificateServiceStub(channel)
                return check_all(grpc, pb2, stub, args, by_id, by_line)
        finally:
            stop(server, args.stop_timeout)


def check_all(grpc, pb2, stub, args, by_id, by_line) -> tuple[int, int]:
    passed = failed = skipped = 0
    jobs = []
    for number, raw in read_jsonl(args.queries):
        try:
            query = json.loads(raw)
            if not isinstance(query, dict):
                raise ValueError("not an object")
        except ValueError:
            skipped += 1
            by_line.pop(number, None)
            continue
        request_id = query.get("request_id")
        expected = None
        if isinstance(request_id, str) and by_id.get(request_id):
            expected = by_id[request_id].popleft()
            by_line.pop(number, None)
        elif number in by_line:
            expected = by_line.pop(number)
        request = to_request(pb2, query)
        if query.get("kind") not in RPC_OF_KIND or request is None:
            skipped += 1
            continue
        if expected is None:
            failed += 1
            print(f"line {number}: {request_id!r}: not in {args.expected}", file=sys.stderr)
            continue
        jobs.append((number, query, request, expected))

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        futures = [
            (number, query, pool.submit(compare, grpc, pb2, stub, query, request, expected, args.call_timeout))
            for number, query, request, expected in jobs
        ]
        for number, query, future in futures:
            problem = future.result()
            if problem is None:
                passed += 1
            else:
                failed += 1
                print(f"line {number}: {query['request_id']!r}: {problem}", file=sys.stderr)

    for request_id, rest in by_id.items():
        for entry in rest:
            if "error" not in entry:
                failed += 1
                print(f"{request_id!r}: expected but never asked", file=sys.stderr)
    if skipped:
        print(f"{skipped} queries skipped (not expressible as a gRPC request)")
    return passed, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tanu", type=Path, required=True, help="the tanu binary")
    parser.add_argument("--index", type=Path, required=True, help="index directory to serve")
    parser.add_argument("--queries", type=Path, required=True, help="queries JSONL (QueryInput)")
    parser.add_argument("--expected", type=Path, required=True, help="`tanu match` output JSONL")
    parser.add_argument("--proto-dir", type=Path, default=REPO / "proto")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--start-timeout", type=float, default=120.0, help="seconds to wait for SERVING")
    parser.add_argument("--call-timeout", type=float, default=10.0)
    parser.add_argument("--stop-timeout", type=float, default=15.0)
    args = parser.parse_args()
    try:
        passed, failed = run(args)
    except Setup as e:
        print(f"error: {e}", file=sys.stderr)
        print("0 passed, 0 failed (could not run)")
        return 2
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
