"""The terminal watch fires once, on the event loop, when the input hangs up or SIGHUP
comes, and not before."""

from __future__ import annotations

import asyncio
import os
import signal

from cohort_tui.ui.terminal_watch import TerminalWatch, terminal_gone


async def _watch(fd: int) -> tuple[TerminalWatch, asyncio.Future[str], list[str]]:
    loop = asyncio.get_running_loop()
    fired: asyncio.Future[str] = loop.create_future()
    calls: list[str] = []

    def lost(why: str) -> None:
        calls.append(why)
        if not fired.done():
            fired.set_result(why)

    watch = TerminalWatch(loop, lost, fd=fd, deadline=None)  # never end the test run
    watch.start()
    return watch, fired, calls


async def test_a_hung_up_input_is_noticed_once() -> None:
    read_end, write_end = os.pipe()
    watch, fired, calls = await _watch(read_end)
    try:
        assert not terminal_gone(read_end)
        await asyncio.sleep(0.05)
        assert not fired.done()  # a quiet input is not a lost one
        os.close(write_end)  # the other side goes away: a hang-up
        assert await asyncio.wait_for(fired, 5) == "hangup"
        assert terminal_gone(read_end)
        os.kill(os.getpid(), signal.SIGHUP)  # a SIGHUP after that changes nothing
        await asyncio.sleep(0.05)
        assert calls == ["hangup"]
    finally:
        watch.stop()
        os.close(read_end)


async def test_sighup_is_handled_on_the_loop_instead_of_killing() -> None:
    read_end, write_end = os.pipe()
    watch, fired, _ = await _watch(read_end)
    try:
        os.kill(os.getpid(), signal.SIGHUP)
        assert await asyncio.wait_for(fired, 5) == "SIGHUP"
    finally:
        watch.stop()
        os.close(read_end)
        os.close(write_end)
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL  # stop() gave it back
    assert signal.getsignal(signal.SIGCONT) == signal.SIG_DFL


def test_sigcont_reaches_the_previous_handler_only_while_the_terminal_is_there() -> None:
    resumed: list[int] = []
    previous = signal.signal(signal.SIGCONT, lambda signum, frame: resumed.append(signum))
    read_end, write_end = os.pipe()
    loop = asyncio.new_event_loop()
    watch = TerminalWatch(loop, lambda why: None, fd=read_end, deadline=None)
    try:
        watch.start()
        os.kill(os.getpid(), signal.SIGCONT)  # Ctrl+Z, then fg: the driver resumes
        assert resumed == [signal.SIGCONT]
        os.close(write_end)  # the terminal hangs up: nothing to resume on
        write_end = -1
        os.kill(os.getpid(), signal.SIGCONT)
        assert resumed == [signal.SIGCONT]
    finally:
        watch.stop()
        loop.close()
        signal.signal(signal.SIGCONT, previous)
        os.close(read_end)
        if write_end != -1:
            os.close(write_end)


def test_a_closed_descriptor_counts_as_gone() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    os.close(write_end)
    assert terminal_gone(read_end)
