"""The `newsbot serve` sub-command's wiring (the real process: test_serve.py)."""

from __future__ import annotations

import argparse


def test_serve_subcommand_is_registered():
    from bot.telegram.commands import register, serve

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    register(sub)
    args = parser.parse_args(["serve", "--webhook", "https://bot.example/hook"])
    assert args.webhook == "https://bot.example/hook" and args.func is serve
    assert parser.parse_args(["serve"]).webhook is None


def test_serve_reports_configuration_errors_cleanly(monkeypatch, capsys, tmp_path):
    from bot.telegram import commands

    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)

    class _Engine:
        closed = False

        def close(self) -> None:
            _Engine.closed = True

    monkeypatch.setattr("bot.engine.build_engine", lambda settings: _Engine())
    code = commands.serve(argparse.Namespace(webhook=None))
    assert code == 1 and "TELEGRAM_BOT_TOKEN is not set" in capsys.readouterr().err and _Engine.closed
