"""The helper process: answers in order, errors cross back, a dead helper fails its callers."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from scraper.errors import ExtractError
from scraper.helper import BrokenProcessPool, HelperProcess


def slow_echo(value: int, delay: float) -> tuple[int, int]:
    time.sleep(delay)
    return value, os.getpid()


def fail(message: str) -> None:
    raise ExtractError(message, url="http://blog.test/p/")


def unsendable() -> object:
    return lambda: None  # a lambda cannot be pickled


def die() -> None:
    os._exit(7)


def test_answers_come_back_to_their_callers_in_order() -> None:
    helper = HelperProcess()
    try:
        async def many() -> list[tuple[int, int]]:
            return await asyncio.gather(*(helper.call(slow_echo, n, 0.002 * (n % 3)) for n in range(40)))

        answers = asyncio.run(many())
        assert [value for value, _pid in answers] == list(range(40))
        assert {pid for _value, pid in answers} == {helper.pid} != {os.getpid()}
    finally:
        helper.close()


def test_errors_and_unsendable_answers_cross_back_as_exceptions() -> None:
    helper = HelperProcess()
    try:
        with pytest.raises(ExtractError, match="no body") as caught:
            asyncio.run(helper.call(fail, "no body"))
        assert caught.value.url == "http://blog.test/p/"
        with pytest.raises(RuntimeError, match="not sendable"):
            asyncio.run(helper.call(unsendable))
        assert asyncio.run(helper.call(slow_echo, 5, 0))[0] == 5  # still serving
    finally:
        helper.close()


def test_call_now_waits_behind_calls_already_sent() -> None:
    helper = HelperProcess()
    try:
        async def scenario() -> tuple[int, tuple[int, int]]:
            pending = asyncio.ensure_future(helper.call(slow_echo, 1, 0.2))
            await asyncio.sleep(0.05)  # the first call is on its way
            now = helper.call_now(slow_echo, 2, 0)
            return (await pending)[0], now

        first, now = asyncio.run(scenario())
        assert first == 1 and now[0] == 2
    finally:
        helper.close()


def test_a_dead_helper_fails_pending_and_later_calls() -> None:
    helper = HelperProcess()
    try:
        async def scenario() -> list[object]:
            return await asyncio.gather(helper.call(slow_echo, 1, 0.1), helper.call(die),
                                        helper.call(slow_echo, 3, 0), return_exceptions=True)

        first, dead, after = asyncio.run(scenario())
        assert first == (1, helper.pid)
        assert isinstance(dead, BrokenProcessPool) and isinstance(after, BrokenProcessPool)
        with pytest.raises(BrokenProcessPool):
            asyncio.run(helper.call(slow_echo, 4, 0))
    finally:
        helper.close()


def test_signals_meant_for_the_crawl_do_not_end_a_helper() -> None:
    import signal

    helper = HelperProcess()
    try:
        assert helper.pid is not None
        assert asyncio.run(helper.call(slow_echo, 1, 0))[0] == 1  # started and serving
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGINT):  # Ctrl-C twice, systemctl stop
            os.kill(helper.pid, signum)
        time.sleep(0.2)
        assert asyncio.run(helper.call(slow_echo, 2, 0))[0] == 2
    finally:
        helper.close()
