"""The real engine and every test stand-in implement `EngineAPI`, signature by signature."""

from __future__ import annotations

import inspect
import typing

import pytest

from bot.engine import Engine
from bot.engine_api import EngineAPI
from tests.bot.engines import GatedEngine, KeywordEngine, RecordingEngine, ScriptedEngine

MEMBERS = [name for name, value in vars(EngineAPI).items()
           if callable(value) and not name.startswith("_")]


def _hints(fn: typing.Callable) -> dict[str, object]:
    import bot.engine_api

    return typing.get_type_hints(fn, vars(bot.engine_api))


def check_against_contract(cls: type) -> list[str]:
    """Differences between `cls` and the Protocol: missing members, other parameters, kinds, defaults, types."""
    problems: list[str] = []
    for name in MEMBERS:
        wanted_fn = getattr(EngineAPI, name)
        got_fn = getattr(cls, name, None)
        if got_fn is None:
            problems.append(f"{cls.__name__}.{name} is missing")
            continue
        if inspect.iscoroutinefunction(wanted_fn) != inspect.iscoroutinefunction(got_fn):
            problems.append(f"{cls.__name__}.{name}: async in one, not the other")
        wanted = inspect.signature(wanted_fn).parameters
        got = inspect.signature(got_fn).parameters
        wanted_hints, got_hints = _hints(wanted_fn), _hints(got_fn)
        for pname, param in wanted.items():
            other = got.get(pname)
            if other is None:
                problems.append(f"{cls.__name__}.{name} lacks the parameter {pname!r}")
                continue
            if other.kind != param.kind or other.default != param.default:
                problems.append(f"{cls.__name__}.{name}({pname}): {other} instead of {param}")
            if pname != "self" and got_hints.get(pname) != wanted_hints.get(pname):
                problems.append(f"{cls.__name__}.{name}({pname}): typed {got_hints.get(pname)}, "
                                f"the contract says {wanted_hints.get(pname)}")
        for pname, param in got.items():
            if pname not in wanted and param.default is inspect.Parameter.empty \
                    and param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                problems.append(f"{cls.__name__}.{name} requires the extra parameter {pname!r}")
        if got_hints.get("return") != wanted_hints.get("return"):
            problems.append(f"{cls.__name__}.{name} returns {got_hints.get('return')}, "
                            f"the contract says {wanted_hints.get('return')}")
    return problems


@pytest.mark.parametrize("cls", [Engine, KeywordEngine, ScriptedEngine, GatedEngine, RecordingEngine])
def test_implements_the_contract(cls: type) -> None:
    assert check_against_contract(cls) == []


def test_the_check_notices_drift() -> None:
    class Drifted(KeywordEngine):
        def ask(self, question: str, history=(), *, filters=None, k: int | None = None):  # type: ignore[override]
            raise NotImplementedError

    problems = check_against_contract(Drifted)
    assert any("as_of" in p for p in problems)
    assert any("returns" in p for p in problems)


def test_stand_in_instances_pass_the_runtime_check(tmp_path) -> None:
    assert isinstance(KeywordEngine(), EngineAPI)
