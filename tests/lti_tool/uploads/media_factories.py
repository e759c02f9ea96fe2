"""Tiny videos and recordings as phones write them: with where and on what they were made.

Made with PyAV when a test runs (FFmpeg's muxers write the same boxes phones write): an MOV with
``©xyz`` and ``©mak``/``©mod`` in its udta, an iPhone-style MOV with the
``com.apple.quicktime.location.ISO6709`` key among the moov's meta keys, an MP4 with the 3GPP
``loci`` box, and an M4A recording with a location.
"""

from __future__ import annotations

import fractions
from pathlib import Path

import av

LOCATION = "+40.8448-073.8648/"
"""A Bronx address's latitude and longitude, as ISO 6709."""
DEVICE = "iPhone 15 Pro"
VIDEO_FRAMES = 10


def phone_media(path: Path, muxer: str, *, video: bool = True, apple_keys: bool = False) -> Path:
    """A one-second clip (64×48 video at 10 frames a second, silent mono audio) at ``path``."""
    options = {"movflags": "use_metadata_tags"} if apple_keys else {}
    with av.open(str(path), "w", format=muxer, options=options) as out:
        out.metadata.update({"location": LOCATION, "make": "Apple", "model": DEVICE})
        if apple_keys:
            out.metadata.update({"com.apple.quicktime.location.ISO6709": LOCATION + "+010.000/",
                                 "com.apple.quicktime.make": "Apple",
                                 "com.apple.quicktime.model": DEVICE})
        picture = out.add_stream("mpeg4", rate=10) if video else None
        if picture is not None:
            picture.width, picture.height, picture.pix_fmt = 64, 48, "yuv420p"
        sound = out.add_stream("aac", rate=8000)
        sound.layout = "mono"
        if picture is not None:
            for n in range(VIDEO_FRAMES):
                frame = av.VideoFrame(64, 48, "yuv420p")
                for plane in frame.planes:
                    plane.update(bytes([n * 20]) * plane.buffer_size)
                frame.pts = n
                out.mux(picture.encode(frame))
            out.mux(picture.encode())
        for n in range(8):
            chunk = av.AudioFrame(format="fltp", layout="mono", samples=1024)
            for plane in chunk.planes:
                plane.update(bytes(plane.buffer_size))
            chunk.sample_rate, chunk.pts = 8000, n * 1024
            chunk.time_base = fractions.Fraction(1, 8000)
            out.mux(sound.encode(chunk))
        out.mux(sound.encode())
    return path


def metadata_of(path: Path) -> dict[str, str]:
    """Every container and stream tag FFmpeg reads from the file."""
    with av.open(str(path)) as media:
        found = dict(media.metadata)
        for stream in media.streams:
            found.update({f"{stream.type}:{k}": v for k, v in stream.metadata.items()})
    return found


def packets_of(path: Path) -> list[tuple[str, bytes]]:
    """The audio and video packets, in order: what a remux must keep byte for byte."""
    with av.open(str(path)) as media:
        return [(p.stream.type, bytes(p)) for p in media.demux()
                if p.dts is not None and p.stream.type in ("audio", "video")]
