"""Time building and signing a Deep Linking 2.0 response (target: ≤ 5 ms server time).

Run from the repository root::

    .venv/bin/python -m bench.deep_linking_bench

Two figures, CPU time per call (the process's own work, no waiting), median and p95 of 500 calls:

* ``build_response``: claims for 1 or 10 ``ltiResourceLink`` items with line items and signed
  task references, RS256-signed with the parsed tool key;
* the whole server side of the picker's answer: read the stored launch from the ephemeral store
  (SQLite), parse and check its settings, sign the task references, build and sign the response,
  and render the auto-post page.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives.asymmetric import rsa

from lti_tool import migrate
from lti_tool.app import create_app
from lti_tool.config import Config, Mode
from lti_tool.db import make_engine
from lti_tool.lti import claims as c
from lti_tool.lti.custom_params import sign_task_reference
from lti_tool.lti.deep_linking import (
    ContentItem,
    DeepLinkingRequest,
    LineItemSpec,
    build_response,
    deep_linking_request,
    render_return_form,
)
from lti_tool.lti.keys import SigningKey
from lti_tool.lti.services import lti_services
from lti_tool.outbound.addresses import AddressPolicy

RUNS = 500
GOAL_MS = 5.0
SECRET = "bench-secret"
SETTINGS = {
    "deep_link_return_url": "https://canvas.test/courses/7/deep_linking_response?modal=true",
    "accept_types": ["ltiResourceLink"], "accept_presentation_document_targets": ["iframe", "window"],
    "accept_multiple": True, "accept_lineitem": True, "auto_create": True, "data": "bench-data-1",
}


def items(n: int) -> list[ContentItem]:
    return [ContentItem(title=f"Job shadow {i}", text="Shadow a nurse for one shift.",
                        custom=sign_task_reference(i, "course-7", secret=SECRET),
                        line_item=LineItemSpec(12, f"Job shadow {i}", f"worklink-task-{i}", "worklink"))
            for i in range(n)]


def timed(call: Callable[[], object]) -> tuple[float, float]:
    for _ in range(20):
        call()
    samples = []
    for _ in range(RUNS):
        start = time.process_time()
        call()
        samples.append((time.process_time() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)]


def main() -> None:
    key = SigningKey("bench-kid", rsa.generate_private_key(public_exponent=65537, key_size=2048), "")
    request = DeepLinkingRequest.from_settings(SETTINGS, platform_issuer="https://canvas.instructure.com",
                                               client_id="10000000042", deployment_id="d-1")
    print(f"Deep Linking response, CPU ms per call over {RUNS} calls (goal ≤ {GOAL_MS:g} ms)")
    print(f"{'what':58s} {'median':>8s} {'p95':>8s}")
    rows = []
    for n in (1, 10):
        batch = items(n)
        rows.append((f"build_response, {n} item(s)",
                     timed(lambda batch=batch: build_response(request, batch, signing_key=key))))
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        app = create_app(Config(mode=Mode.TEST, secret_key=SECRET, database_url=url,
                                base_url="https://worklink.test", instance_dir=Path(tmp),
                                # The loopback platform: an allowance production never has.
                                outbound_policy=AddressPolicy.parse(["127.0.0.1"])))
        stored = {"iss": "https://canvas.instructure.com", "aud": "10000000042", "sub": "teacher-1",
                  c.MESSAGE_TYPE: c.DEEP_LINKING_REQUEST, c.DEPLOYMENT_ID: "d-1",
                  c.DEEP_LINKING_SETTINGS: SETTINGS}
        with app.app_context():
            lti_services(app).store.put("launch:bench", stored, 3600)

        def whole(n: int) -> None:
            with app.test_request_context():
                dl = deep_linking_request(lti_services(app).store, "bench")
                response = build_response(dl, items(n), signing_key=key)
                render_return_form(response, n)

        for n in (1, 10):
            rows.append((f"stored launch → signed response → page, {n} item(s)", timed(lambda n=n: whole(n))))
        app.extensions["worklink.db"].engine.dispose()
    for label, (median, p95) in rows:
        flag = "" if p95 <= GOAL_MS else "  over the goal"
        print(f"{label:58s} {median:6.2f}   {p95:6.2f}{flag}")


if __name__ == "__main__":
    main()
