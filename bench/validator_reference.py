#!/usr/bin/env python3
"""Reference rates for bench/validator: python-jsonschema and jsonschema-rs on the same fixtures,
validating good and bad alternately and collecting every error, as Stepyard's validator-bench does."""
import json
import sys
import time

directory = sys.argv[1] if len(sys.argv) > 1 else "../shared/bench"
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
stepyard_rate = float(sys.argv[3]) if len(sys.argv) > 3 else None
rates = {}
schema = json.load(open(f"{directory}/param-schema.json"))
good = json.load(open(f"{directory}/params-good.json"))
bad = json.load(open(f"{directory}/params-bad.json"))


def measure(name, count_errors):
    assert count_errors(good) == 0, f"{name}: good fixture reported errors"
    errors = count_errors(bad)
    validations = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for _ in range(100):
            count_errors(good)
            count_errors(bad)
        validations += 200
    rate = validations / (time.perf_counter() - start)
    rates[name] = rate
    ratio = f", Stepyard is {stepyard_rate / rate:.2f}x" if stepyard_rate else ""
    print(f"{name}: {rate:.0f} validations/s ({errors} errors in params-bad.json){ratio}")


try:
    import importlib.metadata
    import jsonschema
    validator = jsonschema.Draft202012Validator(schema)
    measure(f"python-jsonschema {importlib.metadata.version('jsonschema')}", lambda v: sum(1 for _ in validator.iter_errors(v)))
except ImportError:
    print("python-jsonschema: not installed (pip install jsonschema)")

try:
    import jsonschema_rs
    rs = jsonschema_rs.Draft202012Validator(schema)
    measure(f"jsonschema-rs {importlib.metadata.version('jsonschema-rs')}", lambda v: sum(1 for _ in rs.iter_errors(v)))
except ImportError:
    print("jsonschema-rs: not installed (pip install jsonschema-rs)")

if stepyard_rate and "jsonschema-rs" in " ".join(rates):
    rs = next(v for k, v in rates.items() if k.startswith("jsonschema-rs"))
    verdict = "meets" if stepyard_rate >= rs else "misses"
    print(f"target: at least jsonschema-rs's rate: {verdict} ({stepyard_rate:.0f} vs {rs:.0f} validations/s)")
