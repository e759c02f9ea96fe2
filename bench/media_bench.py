"""What stripping a video's location and device costs: a ~50 MB phone-like MP4 remuxed.

    .venv/bin/python -m bench.media_bench              # ~50 MB, 5 runs
    .venv/bin/python -m bench.media_bench --mb 100 --runs 3

The video is made first with PyAV: 256×256 frames of noise encoded losslessly by x264 (about
150 KB a frame with its sound, what a phone's 4K video takes per frame) at 30 frames a second
with 48 kHz AAC sound, so a 50 MB file holds about 340 video and 550 audio packets, as an
11-second 4K phone clip does, with a location, make and model in its container. Then, in this process, each run times:

* ``strip_media`` (what completion does to every video and recording: a stream-copy remux into
  a container without metadata);
* a plain copy of the same file (``shutil.copyfile``), the floor a pass over the bytes costs;

and prints the medians, the remux's cost per file and per MB above the copy, and the process's
peak resident memory during a remux above its size before (``VmHWM`` reset through
``/proc/self/clear_refs``): the remux streams packet by packet, so it must not grow with the file.
"""

from __future__ import annotations

import argparse
import fractions
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import av

from lti_tool.uploads.safe_media import strip_media

SIDE = 256
RATE = 30


def make_video(path: Path, megabytes: int) -> int:
    """A phone-like MP4 of about ``megabytes`` MB; its number of video frames."""
    # Lossless noise takes about 150 KB a frame with its share of sound.
    frames = max(1, megabytes * 1024 * 1024 // 153_000)
    with av.open(str(path), "w", format="mp4") as out:
        out.metadata.update({"location": "+40.8448-073.8648/", "make": "Apple",
                             "model": "iPhone 15 Pro"})
        picture = out.add_stream("libx264", rate=RATE, options={"preset": "ultrafast", "qp": "0"})
        picture.width = picture.height = SIDE
        picture.pix_fmt = "yuv420p"
        sound = out.add_stream("aac", rate=48000)
        sound.layout = "stereo"
        samples = 0
        for n in range(frames):
            frame = av.VideoFrame(SIDE, SIDE, "yuv420p")
            for plane in frame.planes:
                plane.update(os.urandom(plane.buffer_size))
            frame.pts = n
            out.mux(picture.encode(frame))
            while samples < (n + 1) * 48000 // RATE:
                chunk = av.AudioFrame(format="fltp", layout="stereo", samples=1024)
                for plane in chunk.planes:
                    plane.update(bytes(plane.buffer_size))
                chunk.sample_rate, chunk.pts = 48000, samples
                chunk.time_base = fractions.Fraction(1, 48000)
                out.mux(sound.encode(chunk))
                samples += 1024
        out.mux(picture.encode())
        out.mux(sound.encode())
    return frames


def peak_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="media-bench-") as folder:
        work = Path(folder)
        source = work / "clip.mp4"
        frames = make_video(source, args.mb)
        size = source.stat().st_size
        strip, copy = [], []
        growth = 0
        for run in range(args.runs):
            out = work / f"clean-{run}.mp4"
            before = peak_kb("VmRSS")
            Path("/proc/self/clear_refs").write_text("5")
            started = time.perf_counter()
            refusal = strip_media(source, "video/mp4", out)
            strip.append(time.perf_counter() - started)
            growth = max(growth, peak_kb("VmHWM") - before)
            assert refusal is None, refusal
            out.unlink()
            started = time.perf_counter()
            shutil.copyfile(source, work / "copy.mp4")
            copy.append(time.perf_counter() - started)
            (work / "copy.mp4").unlink()
    mb = size / (1024 * 1024)
    remux, floor = statistics.median(strip), statistics.median(copy)
    print(f"remux without metadata of a {mb:.1f} MB MP4 ({frames} video frames, AAC sound), "
          f"median of {args.runs}")
    print(f"  strip_media (stream copy)   {remux * 1000:7.0f} ms  {mb / remux:6.0f} MB/s")
    print(f"  plain copy (the floor)      {floor * 1000:7.0f} ms  {mb / floor:6.0f} MB/s")
    print(f"  cost above the floor        {(remux - floor) * 1000:7.0f} ms "
          f"({(remux - floor) * 1000 / mb:.1f} ms per MB)")
    print(f"  peak RSS growth during a remux {growth / 1024:.1f} MB")


if __name__ == "__main__":
    main()
