"""Videos and recordings kept without where they were made or on what.

Phones write the place a video was shot into the container: ``©xyz`` in the moov's udta box,
Apple's ``com.apple.quicktime.location.ISO6709`` among the moov's meta keys, 3GPP's binary
``loci`` box, and with them the device's make and model; iPhones add timed metadata tracks. A
video filmed at home must not publish a minor's address, as a photo must not. So every video and
recording is remuxed with PyAV (FFmpeg's own demuxers and muxers): the audio and video packets
are copied as they are (no re-encoding, so no quality is lost and it costs a pass over the
bytes), one packet at a time (never the whole file in memory), into a new container of the same
kind that carries no container or stream metadata (``+bitexact`` also drops FFmpeg's own
encoder tag), and no data, subtitle or attachment stream. A file FFmpeg cannot read through is
refused: keeping it as it is would keep its metadata.
"""

from __future__ import annotations

import logging
from pathlib import Path

import av
import av.error

from competencies.messages import N_
from competencies.work.file_policy import Refusal

# The muxer writing each sniffed type (puremagic's names) back into the same kind of file.
MUXERS = {
    "video/mp4": "mp4", "video/x-m4v": "mp4", "video/quicktime": "mov", "video/webm": "webm",
    "video/3gpp": "3gp", "audio/mp4": "ipod", "audio/x-m4a": "ipod", "audio/mpeg": "mp3",
    "audio/wav": "wav", "audio/x-wav": "wav", "audio/vnd.wave": "wav", "audio/ogg": "ogg",
    "audio/aac": "adts", "audio/x-hx-aac-adts": "adts", "audio/webm": "webm",
}
KEPT_STREAMS = ("video", "audio")

log = logging.getLogger(__name__)


def unreadable() -> Refusal:
    return Refusal("media_unreadable",
                   N_("“%(name)s” looks like a video or a recording but could not be read "
                      "through; it may be damaged or cut short. Nothing was kept. Record or "
                      "export it again, then upload it again."))


def strip_media(path: Path, content_type: str, out: Path) -> Refusal | None:
    """Write the audio and video of ``path`` to ``out`` without any metadata, or refuse."""
    muxer = MUXERS.get(content_type)
    if muxer is None:
        return unreadable()
    try:
        with av.open(str(path), "r") as source:
            streams = [s for s in source.streams if s.type in KEPT_STREAMS]
            if not streams:
                return unreadable()
            with av.open(str(out), "w", format=muxer,
                         options={"fflags": "+bitexact"}) as target:
                copies = {}
                for stream in streams:
                    copy = target.add_stream_from_template(stream)
                    copy.metadata.clear()
                    copies[stream.index] = copy
                for packet in source.demux(streams):
                    if packet.dts is None:  # the demuxer's empty packet at a stream's end
                        continue
                    packet.stream = copies[packet.stream.index]
                    target.mux(packet)
    except (av.error.FFmpegError, ValueError, OSError) as exc:
        log.info("media could not be remuxed: %s", exc)
        out.unlink(missing_ok=True)
        return unreadable()
    return None
