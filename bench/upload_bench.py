"""A 100 MB upload through Worklink's tus server, next to a bare streaming handler, and a resume.

    .venv/bin/python -m bench.upload_bench            # 100 MB, 5 MB chunks (the page's)
    .venv/bin/python -m bench.upload_bench --mb 200 --chunk-mb 10

Both servers run under gunicorn (one sync worker) on 127.0.0.1, one after the other, in the same
run; the client is in this process. Printed:

* the Worklink worker's memory: its resident size before the upload and its peak during it
  (``VmHWM`` after resetting it through ``/proc/<pid>/clear_refs``), the growth being the
  difference (goal: at most 64 MB);
* throughput of the tus upload (tuspy, the page's chunk size, every chunk a PATCH that checks the
  session and commits the offset, then the completion: sniffing, hashing, storing) and of one
  PUT of the same file to the bare handler (``bench/upload_floor.py``), and their ratio
  (goal: at least 0.5);
* a resume: a second upload's connection is cut 1.5 MB into the chunk that starts at 60 %, a new
  client asks the offset (HEAD) and finishes; the bytes put on the wire beyond the file's size
  are the bytes re-sent (goal: at most one chunk).
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import tempfile
import time
from pathlib import Path

from tusclient.client import TusClient

from bench.gunicorn_target import GunicornTarget, child_pids, free_port
from competencies.orm import utcnow
from competencies.tasks import library
from competencies.tasks.library import CourseContext
from competencies.tasks.model import Task
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work import submissions
from lti_tool import migrate, sessions
from lti_tool.config import Config, Mode
from lti_tool.db import Database, make_engine
from lti_tool.lti.registrations import add_registration
from lti_tool.models import Course, ResourceLink, User
from lti_tool.signing import for_config

ROOT = Path(__file__).resolve().parents[1]
SECRET = "upload-bench-secret-not-for-production"


def seed(url: str, config: Config) -> tuple[str, int]:
    """A course, a student and their submission of a task that asks for files; their session."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    database = Database(url, bind=engine)
    with database.session() as session:
        registration = add_registration(
            session, name="Bench LMS", issuer="https://lms.bench.test", client_id="bench",
            auth_login_url="https://lms.bench.test/auth",
            auth_token_url="https://lms.bench.test/token", key_set={"keys": []},
            deployment_ids=["d-1"])
        session.flush()
        course = Course(deployment_id=registration.deployments[0].id, context_id="c-1",
                        title="Bench course")
        student = User(registration_id=registration.id, sub="student-1")
        session.add_all([course, student])
        session.flush()
        context = CourseContext(course.id, course.deployment_id, registration.id)
        from competencies.tasks.draft import TaskDraft
        from competencies.tasks.vocabulary import ContinuumStage, ExperienceType

        task = library.create_task(session, context, TaskDraft(
            title="Site visit", stage=ContinuumStage.EXPLORATION,
            experience_type=ExperienceType.JOB_SHADOW, description="<p>Photos.</p>",
            career_cluster="", pathway="", expected_hours=4.0,
            asked_artifacts=(AskedArtifact.FILES,)))
        link = ResourceLink(course_id=course.id, resource_link_id="rl-1", title="Site visit",
                            task_id=task.id)
        session.add(link)
        session.flush()
        placed = submissions.PlacedTask(link.id, course.id, session.get(Task, task.id))  # type: ignore[arg-type]
        submission = submissions.open_submission(session, placed, student.id, utcnow())
        session.commit()
        ids = (student.id, registration.id, course.deployment_id, course.id, submission.id)
    with engine.begin() as connection:
        _session_id, token = sessions.start(
            connection, for_config(config), user_id=ids[0], registration_id=ids[1],
            deployment_id=ids[2], course_id=ids[3], role="student", launch_id="bench",
            lifetime=8 * 3600)
    engine.dispose()
    return token, ids[4]


def rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def test_file(path: Path, size: int) -> None:
    with path.open("wb") as out:
        out.write(b"%PDF-1.7\n")
        block = os.urandom(1024 * 1024)
        written = 9
        while written < size:
            piece = block[: min(len(block), size - written)]
            out.write(piece)
            written += len(piece)


def cut_patch(origin: str, url: str, headers: dict[str, str], data: bytes, offset: int,
              chunk: int, cut_after: int) -> int:
    """A PATCH of one chunk whose connection drops after ``cut_after`` body bytes; bytes sent."""
    host, port = "127.0.0.1", int(origin.rsplit(":", 1)[1])
    path = url[len(origin):] if url.startswith(origin) else url
    head = "".join(f"{k}: {v}\r\n" for k, v in {
        **headers, "Host": f"{host}:{port}", "Upload-Offset": str(offset),
        "Content-Type": "application/offset+octet-stream", "Content-Length": str(chunk)}.items())
    with socket.create_connection((host, port)) as raw:
        raw.sendall(f"PATCH {path} HTTP/1.1\r\n{head}\r\n".encode())
        raw.sendall(data[offset:offset + cut_after])
        raw.shutdown(socket.SHUT_WR)
        raw.recv(1024)
    return cut_after


def put_file(port: int, source: Path, size: int) -> bytes:
    """One PUT of the whole file, written to the socket a megabyte at a time; the status line.

    A plain socket, so the client's own cost is as low as tuspy's (which sends each chunk with
    one write): requests would send a file 8 KB at a time and slow the floor down, not the server.
    """
    with socket.create_connection(("127.0.0.1", port)) as raw, source.open("rb") as stream:
        raw.sendall(f"PUT /upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                    f"Content-Length: {size}\r\nConnection: close\r\n\r\n".encode())
        while block := stream.read(1024 * 1024):
            raw.sendall(block)
        return raw.recv(1024).split(b"\r\n", 1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--chunk-mb", type=int, default=5)
    args = parser.parse_args()
    size, chunk = args.mb * 1024 * 1024, args.chunk_mb * 1024 * 1024
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as work_dir:
        work = Path(work_dir)
        source = work / "upload.pdf"
        test_file(source, size)
        port = free_port()
        url = f"sqlite:///{work / 'worklink.db'}"
        env = {**os.environ, "WORKLINK_MODE": "production", "WORKLINK_SECRET_KEY": SECRET,
               "WORKLINK_DATABASE_URL": url, "WORKLINK_BASE_URL": f"http://127.0.0.1:{port}",
               "WORKLINK_INSTANCE_DIR": str(work / "instance"), "WORKLINK_JOBS": "worker",
               "WORKLINK_UPLOAD_MAX_MB": str(args.mb + 10)}
        config = Config(mode=Mode.PRODUCTION, secret_key=SECRET, database_url=url,
                        base_url=env["WORKLINK_BASE_URL"], instance_dir=work / "instance")
        token, submission = seed(url, config)
        headers = {"X-Worklink-Session": token}
        metadata = {"filename": "walkthrough.pdf", "filetype": "application/pdf",
                    "submission": str(submission)}

        worklink = GunicornTarget("worklink", "lti_tool.wsgi:app", port=port, env=env, cwd=ROOT,
                                  log_path=work / "worklink.log", workers=1,
                                  config="python:lti_tool.server_hooks")
        worklink.start()
        try:
            worker = child_pids(worklink.process.pid)[0]  # type: ignore[union-attr]
            client = TusClient(worklink.base_url + "/uploads", headers=headers)
            # Warm up: one small upload loads every module the upload path imports.
            client.uploader(file_stream=io.BytesIO(b"%PDF-1.7\nwarm"), metadata=metadata).upload()
            before = rss_kb(worker, "VmRSS")
            Path(f"/proc/{worker}/clear_refs").write_text("5")  # peak RSS := current
            started = time.perf_counter()
            with source.open("rb") as stream:
                client.uploader(file_stream=stream, chunk_size=chunk, metadata=metadata).upload()
            tus_seconds = time.perf_counter() - started
            peak = rss_kb(worker, "VmHWM")

            # The resume: 60 % in chunks, then a chunk cut 1.5 MB in, then a new client.
            data = source.read_bytes()
            first = client.uploader(file_stream=io.BytesIO(data), chunk_size=chunk,
                                    metadata=metadata)
            first.upload(stop_at=int(size * 0.6))
            sent = first.offset
            sent += cut_patch(worklink.base_url, first.url, {"Tus-Resumable": "1.0.0", **headers},
                              data, first.offset, min(chunk, size - first.offset),
                              min(chunk, size - first.offset) - 1 if chunk < 1536 * 1024
                              else 1536 * 1024)
            again = TusClient(worklink.base_url + "/uploads", headers=headers)
            resumed = again.uploader(file_stream=io.BytesIO(data), url=first.url,
                                     chunk_size=chunk, metadata=metadata)
            resumed_at = resumed.offset
            resumed.upload()
            sent += size - resumed_at
        finally:
            worklink.stop()

        floor_port = free_port()
        floor = GunicornTarget("floor", "bench.upload_floor:app", port=floor_port,
                               env={**os.environ, "UPLOAD_FLOOR_DIR": str(work)}, cwd=ROOT,
                               log_path=work / "floor.log", workers=1)
        floor.start()
        try:
            started = time.perf_counter()
            status_line = put_file(floor_port, source, size)
            floor_seconds = time.perf_counter() - started
            assert b" 204 " in status_line, status_line
        finally:
            floor.stop()

    mb = size / (1024 * 1024)
    print(f"upload of {mb:.0f} MB over loopback, tus chunks of {args.chunk_mb} MB")
    print(f"  worker RSS before {before / 1024:.1f} MB, peak during {peak / 1024:.1f} MB, "
          f"growth {(peak - before) / 1024:.1f} MB (goal <= 64 MB)")
    print(f"  tus through Worklink   {mb / tus_seconds:7.1f} MB/s ({tus_seconds:.2f} s)")
    print(f"  bare streaming handler {mb / floor_seconds:7.1f} MB/s ({floor_seconds:.2f} s)")
    print(f"  ratio {floor_seconds / tus_seconds:.2f} (goal >= 0.5)")
    print(f"  resume after a cut at {resumed_at / (1024 * 1024):.1f} MB: bytes re-sent "
          f"{sent - size} (goal <= one chunk, {chunk} bytes)")


if __name__ == "__main__":
    main()
